"""Capture the fragmentation scenario of make pictures (scripts/pictures.sh).

Sourced by gdb after vana.py, with QEMU halted at the reset vector and
fragment.elf processes as the boot's modules (user/programs/fragment.c).
It lets the kernel run and stops it at four points, writing the views as
JSON into the directory $VANA_CAPTURE_DIR:

  before  the scheduler's first instruction: every process loaded, none has run
          (heap-before.json);
  during  every fragment has freed every other allocation: the holes
          (heap-during.json);
  after   the short fragments have ended and the long ones made their big
          and small allocations (heap-after.json, and the address space of
          the first long fragment in address-space.json);
  end     kernel_poweroff, every process gone (heap-end.json): the heap as
          the kernel's heap line says.

The fragments announce their phases with the print system call ("fragment
PID (ROLE): PHASE"): a breakpoint there notes them, and one on yield lets the
capture stop as soon as a condition holds, whichever process runs.
"""
import json
import os
import re

import gdb
from __main__ import processes  # scripts/gdb/vana.py, sourced first into gdb's namespace

OUT = os.environ["VANA_CAPTURE_DIR"]
ANNOUNCEMENT = re.compile(r"fragment (\d+) \((\w+)\): (\w+)")

phases = {}  # pid -> the phases it announced
fragments_started = set()  # the pids of fragment.elf, as "before" finds them
roles = {}  # pid -> "short" or "long", as announced
wanted = None  # the stage the kernel should stop at next


def fragments(role):
    return [pid for pid, r in roles.items() if r == role]


def live_pids():
    return {p.pid for p in processes() if not p.ended}


def reached(stage):
    if stage == "during":
        return all("holes" in phases.get(pid, ()) for pid in fragments_started)
    if stage == "after":
        return (all("after" in phases.get(pid, ()) for pid in fragments("long")) and
                not live_pids() & set(fragments("short")))
    return False


class Watch(gdb.Breakpoint):
    """Stops where the stage wanted is reached: at location for a stage tied to one, else on a condition."""

    def __init__(self, location, stage=None):
        super().__init__(location, internal=True)
        self.stage = stage

    def stop(self):
        if self.stage:
            return wanted == self.stage
        if self.location == "syscall_print":
            text = gdb.parse_and_eval("(const char*)string").string(length=128)
            match = ANNOUNCEMENT.match(text)
            if match:
                pid = int(match.group(1))
                roles[pid] = match.group(2)
                phases.setdefault(pid, set()).add(match.group(3))
        return wanted is not None and reached(wanted)


def dump(command, name):
    path = os.path.join(OUT, name)
    with open(path, "w") as out:
        out.write(gdb.execute(command, to_string=True))
    json.load(open(path))  # a command that failed wrote no JSON: say so now
    print("capture: %s -> %s" % (command, path))


def capture():
    global wanted
    Watch("*task_run_scheduler", "before")  # its first instruction: with -O2, "task_run_scheduler" is inside the loop
    Watch("kernel_poweroff", "end")
    Watch("syscall_print")
    Watch("syscall_yield")
    for stage in ("before", "during", "after", "end"):
        wanted = stage
        gdb.execute("continue")
        if not gdb.selected_inferior().pid or not gdb.selected_thread():
            raise gdb.GdbError("capture: the kernel ended before the stage %s" % stage)
        if stage == "before":
            fragments_started.update(p.pid for p in processes() if p.name == "fragment.elf")
        dump("vana-heap --json", "heap-%s.json" % stage)
        if stage == "after":
            dump("vana-pt --json %d" % min(fragments("long")), "address-space.json")
    print("capture: done")


capture()
