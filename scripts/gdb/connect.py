"""Attach gdb to QEMU's gdb stub on the unix socket $VANA_GDB_SOCKET (scripts/gdb-session.sh).

QEMU creates the socket file before it listens on it, so a first attempt
may be refused: try again for a few seconds.
"""
import os
import time

import gdb

for attempt in range(100):
    try:
        gdb.execute("target remote %s" % os.environ["VANA_GDB_SOCKET"])
        break
    except gdb.error:
        if attempt == 99:
            raise
        time.sleep(0.05)
