#!/usr/bin/env python3
"""An external oracle for Vana's address spaces: QEMU's view, not the kernel's.

Boots Vana under QEMU with a churn of children (family.elf churn, as in
tests/user/run.sh) and, while it runs, stops the virtual CPU every few
tenths of a second over QMP and asks QEMU's monitor what the loaded
directory maps:

  info registers   CR3 (whose address space this is), CPL, TR's base
  info mem         the ranges QEMU's own page walk finds, with their rights
                   ("u" when ring 3 may reach them: PDE and PTE both user)
  gva2gpa ADDR     the physical frame of each user-accessible page
  xp /1024wx CR3   the directory, for the frames of its page tables
  xp /2wx TR       the TSS, for esp0 (the running task's kernel stack)

then lets the CPU go on. A sample whose directory has no user page is the
kernel's own (the scheduler or the idle loop ran) and is not counted. For
every other sample the promises of docs/memory.md must hold:

  - page 0 is not user-accessible;
  - every user page is in the user layout: stack and arguments
    0x3fb000-0x3fffff, program 0x400000-0xffffff, allocations in the heap
    0x1000000-0x73fffff;
  - heap pages are identity-mapped (virtual == physical);
  - every user page's frame is inside the heap [0x1000000, 0x7400000), so it
    is never the kernel image, the heap table or VGA; and never the
    directory, one of its page tables or the running task's kernel stack,
    which are heap blocks too;
  - no frame is user-accessible twice in one address space (Vana shares no
    memory, so a second mapping would be another process's block);
  - the argument page is read-only.

The boot itself must also end well: every status word of the churn as
expected, no panic, the two kernel heap lines equal. If QEMU finishes before
enough samples caught a user address space, the oracle boots again, within a
time bound. It prints one "ok - ..." or "not ok - ..." line per property,
"# ..." lines naming the first offending pages, and a summary; the exit
status is 0 only when every property held.

Run from the repository root after `make`:
    python3 tests/user/oracle.py [--samples 25] [--waves 20] [--per-wave 50]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PAGE = 0x1000
STACK_START, ARGUMENTS, PROGRAM_START = 0x3FB000, 0x3FF000, 0x400000
HEAP_START, HEAP_END = 0x01000000, 0x07400000
LOG_DIR = "build/test-logs"
EXAMPLES = 5  # offending pages printed per property


class BootEnded(Exception):
    """QEMU went away (the guest powered off) in the middle of a command."""


class Qmp:
    """A QMP client on a unix socket: one command at a time, events skipped."""

    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rw", encoding="utf-8", newline="\n")
        self._read()  # the greeting
        self.execute("qmp_capabilities")

    def _read(self):
        while True:
            try:
                line = self.file.readline()
            except OSError as error:
                raise BootEnded() from error
            if not line:
                raise BootEnded()
            message = json.loads(line)
            if "event" not in message:
                return message

    def execute(self, command, **arguments):
        request = {"execute": command}
        if arguments:
            request["arguments"] = arguments
        try:
            self.file.write(json.dumps(request) + "\n")
            self.file.flush()
        except OSError as error:
            raise BootEnded() from error
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(f"QMP {command}: {reply['error']}")
        return reply["return"]

    def monitor(self, command_line):
        return self.execute("human-monitor-command", **{"command-line": command_line})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def connect_qmp(socket_path, qemu, deadline, timeout):
    """QEMU's QMP socket once it listens, or None if QEMU ended or the deadline passed first.

    The socket's file appears a moment before QEMU listens on it: a refused
    connection means "not yet".
    """
    while qemu.poll() is None and time.monotonic() <= deadline:
        try:
            return Qmp(socket_path, timeout=timeout)
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.01)
    return None


def stop_qemu(qmp, qemu, socket_dir):
    """Close the QMP connection, end QEMU if it still runs, and remove its socket's folder."""
    if qmp:
        qmp.close()
    if qemu.poll() is None:
        qemu.kill()
        qemu.wait()
    shutil.rmtree(socket_dir, ignore_errors=True)


def parse_registers(text):
    cr3 = re.search(r"\bCR3=([0-9a-f]+)", text)
    cpl = re.search(r"\bCPL=(\d)", text)
    tr = re.search(r"^TR =[0-9a-f]+ ([0-9a-f]+)", text, re.MULTILINE)
    if not (cr3 and cpl and tr):
        raise RuntimeError("unexpected 'info registers' output:\n" + text)
    return int(cr3.group(1), 16), int(cpl.group(1)), int(tr.group(1), 16)


# "00000000003fb000-00000000003ff000 0000000000004000 urw"
MEM_LINE = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) [0-9a-f]+ ([u-])r([w-])$")


def parse_user_ranges(text):
    """The user-accessible ranges of 'info mem': (start, end, writable)."""
    ranges = []
    if text.strip() == "PG disabled":  # early boot: no directory yet
        return ranges
    for line in text.replace("\r", "").splitlines():
        match = MEM_LINE.match(line.strip())
        if not match:
            if line.strip():
                raise RuntimeError(f"unexpected 'info mem' line: {line!r}")
            continue
        if match.group(3) == "u":
            ranges.append((int(match.group(1), 16), int(match.group(2), 16), match.group(4) == "w"))
    return ranges


def parse_words(text):
    """The words of an 'xp /Nwx' dump, in order."""
    words = []
    for line in text.replace("\r", "").splitlines():
        if ":" in line:
            words += [int(word, 16) for word in line.split(":", 1)[1].split()]
    return words


def in_layout(page):
    return STACK_START <= page < HEAP_START or HEAP_START <= page < HEAP_END


class Verdicts:
    """One list of offending pages per property, in a fixed order."""

    NAMES = [
        ("page0", "page 0 is never user-accessible"),
        ("layout", "every user page is in the user layout (stack and arguments 0x3fb000-0x3fffff, "
                   "program 0x400000-0xffffff, heap 0x1000000-0x73fffff)"),
        ("identity", "every user heap page is identity-mapped (virtual == physical)"),
        ("heap", "every user page's frame is inside the heap [0x1000000, 0x7400000): "
                 "never the kernel image, the heap table or VGA"),
        ("kernel", "no user page is the directory, a page table or the running task's kernel stack"),
        ("shared", "no frame is user-accessible twice in one address space (none is another's)"),
        ("arguments", "the argument page is never user-writable"),
    ]

    def __init__(self):
        self.offences = {key: [] for key, _ in self.NAMES}

    def offend(self, key, sample, text):
        self.offences[key].append(f"sample {sample}: {text}")


def take_sample(qmp, number, verdicts, max_pages):
    """Stop the CPU, examine the loaded directory, let it go on. Return (cr3,
    CPL, pages examined by kind), or None when the directory has no user page."""
    qmp.execute("stop")
    try:
        cr3, cpl, tr_base = parse_registers(qmp.monitor("info registers"))
        ranges = parse_user_ranges(qmp.monitor("info mem"))
        if not ranges:
            return None
        directory = parse_words(qmp.monitor(f"xp /1024wx {cr3:#x}"))
        tss = parse_words(qmp.monitor(f"xp /2wx {tr_base:#x}"))
        if len(directory) != 1024 or len(tss) != 2:
            raise RuntimeError("short xp dump of the directory or the TSS")
        kernel_frames = {cr3 & ~(PAGE - 1)}
        kernel_frames |= {entry & ~(PAGE - 1) for entry in directory if entry & 1}
        esp0 = tss[1]
        kernel_frames.add((esp0 - 1) & ~(PAGE - 1))

        frames = {}
        kinds = {"stack": 0, "program": 0, "heap": 0}
        examined = 0
        for start, end, writable in ranges:
            for page in range(start, end, PAGE):
                if page == 0:
                    verdicts.offend("page0", number, f"page 0 is user-accessible (cr3 {cr3:#x})")
                if not in_layout(page):
                    verdicts.offend("layout", number, f"{page:#x} is user-accessible (cr3 {cr3:#x})")
                    continue  # outside the layout: do not translate (it may be all of memory)
                if page == ARGUMENTS and writable:
                    verdicts.offend("arguments", number, f"the argument page is writable (cr3 {cr3:#x})")
                if examined >= max_pages:
                    continue
                examined += 1
                answer = qmp.monitor(f"gva2gpa {page:#x}").strip()
                match = re.match(r"gpa: 0x([0-9a-f]+)", answer)
                if not match:
                    verdicts.offend("layout", number, f"{page:#x} is in 'info mem' but gva2gpa says {answer!r}")
                    continue
                frame = int(match.group(1), 16) & ~(PAGE - 1)
                where = f"{page:#x} -> frame {frame:#x} (cr3 {cr3:#x})"
                if page >= HEAP_START and frame != page:
                    verdicts.offend("identity", number, where)
                if not HEAP_START <= frame < HEAP_END:
                    verdicts.offend("heap", number, where)
                if frame in kernel_frames:
                    verdicts.offend("kernel", number, where)
                if frame in frames:
                    verdicts.offend("shared", number, f"{where} and {frames[frame]:#x}")
                frames[frame] = page
                kinds["heap" if page >= HEAP_START else "program" if page >= PROGRAM_START else "stack"] += 1
        return cr3, cpl, kinds
    finally:
        qmp.execute("cont")


def boot_checks(log_path, klog_path):
    """What tests/user/run.sh checks of a churn boot; a list of problems."""
    def read(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                return file.read().replace("\r", "")
        except OSError:
            return ""
    log, klog = read(log_path), read(klog_path)
    problems = []
    if not re.search(r"^family: churn of \d+ children: \d+ exited, \d+ killed, heap back after every wave$",
                     log, re.MULTILINE):
        problems.append("no churn summary line")
    if not re.search(r"^vana: process 1 \(family\.elf\) exited with status 0$", klog, re.MULTILINE):
        problems.append("family.elf did not exit 0")
    if "panic" in klog or "panic" in log:
        problems.append("a kernel panic")
    heap = re.findall(r"^vana: kernel heap \d+ of \d+ blocks in use$", klog, re.MULTILINE)
    if len(heap) != 2 or heap[0] != heap[1]:
        problems.append(f"kernel heap lines {heap}")
    return problems


def run_boot(number, args, verdicts, deadline, tally):
    """Boot once and sample until QEMU ends; add to tally. Return the boot's problems."""
    name = "oracle" if number == 1 else f"oracle-{number}"
    log_path = os.path.abspath(os.path.join(LOG_DIR, name + ".log"))
    klog_path = os.path.abspath(os.path.join(LOG_DIR, name + ".kernel.log"))
    socket_dir = tempfile.mkdtemp(prefix="vana-oracle-")
    socket_path = os.path.join(socket_dir, "qmp.sock")
    command = [
        "qemu-system-i386", "-m", "128", "-display", "none", "-serial", "stdio",
        "-serial", f"file:{klog_path}", "-no-reboot", "-monitor", "none",
        "-qmp", f"unix:{socket_path},server=on,wait=off",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", "../vana.elf",
        "-append", "poweroff init=family.elf",
        "-initrd", f"family.elf churn {args.waves} {args.per_wave},child.elf",
    ]
    qmp = None
    with open(log_path, "w", encoding="utf-8") as log:
        qemu = subprocess.Popen(command, cwd="build/user", stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        qmp = connect_qmp(socket_path, qemu, deadline, max(5.0, deadline - time.monotonic()))
        if qmp is None:
            return [f"QEMU did not open its QMP socket (exit status {qemu.poll()})"]
        while time.monotonic() < deadline:
            time.sleep(args.interval)
            try:
                sample = take_sample(qmp, tally["samples"] + tally["skipped"] + 1, verdicts, args.max_pages)
            except BootEnded:
                break
            except RuntimeError as error:
                return [f"the oracle could not read QEMU's answer: {error}"]
            if sample is None:
                tally["skipped"] += 1
            else:
                tally["samples"] += 1
                tally["ring 3"] += sample[1] == 3
                for kind, count in sample[2].items():
                    tally[kind] += count
                tally["spaces"].add((number, sample[0]))
        qmp.close()
        try:
            qemu.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return ["QEMU still running at the time bound"]
        return boot_checks(log_path, klog_path)
    finally:
        stop_qemu(qmp, qemu, socket_dir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=25, help="samples of a user address space needed")
    parser.add_argument("--waves", type=int, default=20, help="waves of the churn")
    parser.add_argument("--per-wave", type=int, default=50, help="children per wave")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    parser.add_argument("--seconds", type=float, default=55, help="time bound for all boots")
    parser.add_argument("--max-pages", type=int, default=20000, help="pages translated per sample")
    args = parser.parse_args()

    os.makedirs(LOG_DIR, exist_ok=True)
    deadline = time.monotonic() + args.seconds
    verdicts = Verdicts()
    tally = {"samples": 0, "skipped": 0, "spaces": set(), "ring 3": 0, "stack": 0, "program": 0, "heap": 0}
    boot_problems = []
    boots = 0
    while tally["samples"] < args.samples and time.monotonic() < deadline - 5:
        boots += 1
        boot_problems += [f"boot {boots}: {problem}" for problem in run_boot(boots, args, verdicts, deadline, tally)]
        args.waves *= 2  # a boot too short for enough samples: the next churn is longer

    failures = 0

    def verdict(ok, text, details=()):
        nonlocal failures
        failures += not ok
        print(f"{'ok' if ok else 'not ok'} - {text}")
        for detail in list(details)[:EXAMPLES]:
            print(f"#   {detail}")
        if len(details) > EXAMPLES:
            print(f"#   ... and {len(details) - EXAMPLES} more")

    verdict(tally["samples"] >= args.samples, f"at least {args.samples} samples caught a user address space",
            [f"only {tally['samples']} in {boots} boot(s)"] if tally["samples"] < args.samples else [])
    for key, text in Verdicts.NAMES:
        verdict(not verdicts.offences[key], text, verdicts.offences[key])
    verdict(not boot_problems, "each churn under observation ended well: status words, no panic, heap back",
            boot_problems)
    pages = tally["stack"] + tally["program"] + tally["heap"]
    print(f"oracle: {tally['samples']} samples ({tally['ring 3']} stopped in ring 3, "
          f"{len(tally['spaces'])} distinct directories), {pages} user pages examined "
          f"({tally['stack']} stack and arguments, {tally['program']} program, {tally['heap']} heap), "
          f"{tally['skipped']} samples without user pages skipped (the kernel's own directory, or paging "
          f"still off), {boots} boot(s), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
