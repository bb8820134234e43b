#!/usr/bin/env python3
"""vsh typed at on the PS/2 keyboard, not the serial console.

Boots `init=vsh.elf` under QEMU with a QMP socket and presses keys with
QMP's send-key, which QEMU delivers through its emulated 8042 keyboard
controller as scancodes: the path of IRQ 1 and src/console/keyboard.c.
Each step waits for what vsh must print (on COM1, where it echoes):

  run hello Ab     Shift gives a capital: "... 1 argument(s): Ab"
  (up arrow)       the PS/2 arrow key recalls the line: the same again
  psx, Backspace   "ps" runs
  kill 1, Ctrl-U, exit 7
                   Ctrl-U wipes "kill 1"; the shell exits with status 7

It prints one "ok - ..." or "not ok - ..." line per step; the exit status
is 0 when every step held. Run from the repository root after `make`.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import BootEnded, connect_qmp, stop_qemu  # noqa: E402

LOG_DIR = "build/test-logs"
STEP_SECONDS = 30

# A character typed: its QEMU key code, and whether Shift is held for it.
KEY_NAMES = {" ": "spc", "\n": "ret", "\b": "backspace", "-": "minus", ".": "dot"}


def keys_for(text):
    for c in text:
        if c.isupper():
            yield ["shift", c.lower()]
        else:
            yield [KEY_NAMES.get(c, c)]


def press(qmp, keys):
    """Press keys together. QEMU may end before it answers (the last key powers off): the steps' checks tell."""
    try:
        qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in keys])
    except BootEnded:
        return
    time.sleep(0.05)  # a key is released after its hold time; let the guest take it


def wait_for(path, pattern, start):
    """Wait until the log, past offset start, has a line matching pattern. Return the end offset or None."""
    deadline = time.monotonic() + STEP_SECONDS
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            text = f.read().replace("\r", "")
        m = re.search(pattern, text[start:], re.M)
        if m:
            return start + m.end()
        time.sleep(0.1)
    return None


def main():
    os.makedirs(LOG_DIR, exist_ok=True)
    log_path = os.path.abspath(os.path.join(LOG_DIR, "keyboard.log"))
    klog_path = os.path.abspath(os.path.join(LOG_DIR, "keyboard.kernel.log"))
    socket_dir = tempfile.mkdtemp(prefix="vana-keyboard-")
    socket_path = os.path.join(socket_dir, "qmp.sock")
    command = [
        "qemu-system-i386", "-m", "128", "-display", "none", "-serial", f"file:{log_path}",
        "-serial", f"file:{klog_path}", "-no-reboot", "-monitor", "none",
        "-qmp", f"unix:{socket_path},server=on,wait=off",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", "../vana.elf",
        "-append", "poweroff init=vsh.elf", "-initrd", "vsh.elf,hello.elf",
    ]
    qemu = subprocess.Popen(command, cwd="build/user", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    failures = 0

    def verdict(ok, name):
        nonlocal failures
        failures += not ok
        print(("ok - " if ok else "not ok - ") + name)
        return ok

    steps = [
        ("run hello Ab\n", r"^hello from process 2 \(hello\.elf\), 1 argument\(s\): Ab$",
         "Shift and letters: a line typed on the keyboard runs"),
        (None, r"^hello from process 3 \(hello\.elf\), 1 argument\(s\): Ab$",
         "the up arrow (0xE0 0x48) recalls the last line, as ESC [ A does"),
        ("psx\b\n", r"^  PID  PARENT  STATE", "Backspace erases a character"),
        ("kill 1", None, None),
        (None, None, None),  # Ctrl-U
        ("exit 7\n", r"^vsh: exit$", "Ctrl-U wipes the line"),
    ]
    qmp = None
    try:
        qmp = connect_qmp(socket_path, qemu, time.monotonic() + STEP_SECONDS, STEP_SECONDS)
        if qmp is None:
            raise RuntimeError(f"QEMU did not open its QMP socket (exit status {qemu.poll()})")
        offset = wait_for(log_path, r"^vsh> ", 0)
        verdict(offset is not None, "vsh waits for input")
        for index, (text, pattern, name) in enumerate(steps):
            if offset is None:
                break
            if text is not None:
                for keys in keys_for(text):
                    press(qmp, keys)
            elif index == 1:
                press(qmp, ["up"])
                press(qmp, ["ret"])
            else:
                press(qmp, ["ctrl", "u"])
            if pattern:
                offset = wait_for(log_path, pattern, offset)
                verdict(offset is not None, name)
        status = qemu.wait(timeout=STEP_SECONDS)
        with open(klog_path, errors="replace") as f:
            kernel = f.read().replace("\r", "")
        verdict("vana: process 1 (vsh.elf) exited with status 7\n" in kernel and status == 3,
                f"the shell exits with the status typed (QEMU exit status {status})")
    except (BootEnded, OSError, subprocess.TimeoutExpired, RuntimeError) as error:
        verdict(False, f"the boot went on to the end ({error})")
    finally:
        stop_qemu(qmp, qemu, socket_dir)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
