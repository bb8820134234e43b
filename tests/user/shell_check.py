#!/usr/bin/env python3
"""Drive vsh through the serial console and check what it printed.

  shell_check.py input FILE            write the scripted input (the commands below)
  shell_check.py check LOG KERNEL_LOG  check the console log against the kernel's figures

The boot (tests/user/shell.sh) is `init=vsh.elf` with the programs vsh
runs as modules, and FILE piped into COM1. Each command's output is what
the console shows between its prompt and the next. The checks compare
vsh's figures with each other, with the kernel's own lines on COM2 (the
kernel heap line, the kill line) and with the test's own arithmetic, and
print one "ok - ..." or "not ok - ..." line each; the exit status is 0
when all held.

The pids are known in advance: vsh is 1, and each program run takes the next.
"""
import re
import sys

LONG = "run hello.elf " + "x" * 300  # longer than vsh's 255-character line

# (command as typed, name of its output section or None)
COMMANDS = [
    ("help", "help"),  # first, with nothing before it: input sent before the kernel started arrives whole
    ("ps", "ps1"),
    ("mem", "mem1"),
    ("heap 1", "heap1"),
    ("run hello a b", "hello"),                # pid 2, ".elf" added by vsh
    ("run hello.elf x", None),                 # pid 3
    ("run holes.elf 64 100000000 &", "bg"),    # pid 4, lives until killed
    ("run ticker.elf 50", None),               # pid 5: 50 turns in which holes takes its blocks
    ("ps", "ps2"),
    ("mem", "mem2"),
    ("heap 1", "heap2"),
    ("heap", "heap40"),
    ("pt 4", "pt"),
    ("pt 4 0x401234", "translate"),
    ("pt 4 0x3ff000", "translate_arguments"),
    ("pt 1 0x0", "translate_null"),
    ("pt 99", "pt_missing"),
    ("pt 4 zzz", "pt_bad_address"),
    ("kill 4\x15ps", "ctrl_u"),                # Ctrl-U wipes "kill 4": holes lives on
    ("px\bs", "backspace"),                    # Backspace: "ps"
    ("run nosuch", "nosuch"),
    ("frobnicate now", "unknown"),
    (LONG, "long"),
    ("kill 4", "kill"),
    ("kill 4", "kill_again"),
    ("kill 1", "kill_self"),
    ("kill 99", "kill_missing"),
    ("kill abc", "kill_bad"),
    ("ps", "ps3"),
    ("mem", "mem3"),
    ("heap 1", "heap3"),
    ("run hello.elf history", None),           # pid 6
    ("\x1b[A", "recalled"),                    # the up arrow: the same again, pid 7
    ("exit 0", "exit"),
]

failures = 0


def check(name, condition, detail=""):
    global failures
    if condition:
        print(f"ok - {name}")
    else:
        failures += 1
        print(f"not ok - {name}" + (f" ({detail})" if detail else ""))


def write_input(path):
    with open(path, "w", newline="") as f:
        for command, _ in COMMANDS:
            f.write(command + "\n")


def sections(log):
    """The output of each command, by section name: the lines after its prompt up to the next prompt."""
    text = open(log, errors="replace").read()
    start = text.find("vsh> ")
    parts = text[start:].split("vsh> ")[1:] if start >= 0 else []
    named = {}
    for (command, name), part in zip(COMMANDS, parts):
        if name:
            named[name] = part.split("\n")[1:]
    return named, len(parts)


def number(pattern, lines, default=None):
    for line in lines:
        m = re.search(pattern, line)
        if m:
            return int(m.group(1))
    return default


def parse_mem(lines):
    figures = {}
    for key, label in [("used", "used"), ("free", "free"), ("largest", "largest free run"),
                       ("kernel", "kernel"), ("processes", "processes")]:
        figures[key] = number(rf"^  {label} +(\d+) blocks +(\d+) bytes$", lines)
        bytes_ = number(rf"^  {label} +\d+ blocks +(\d+) bytes$", lines)
        figures[key + "_bytes"] = bytes_
    figures["fragmentation"] = next((m.group(1) for l in lines
                                     if (m := re.match(r"^  fragmentation +(\d+\.\d\d)% ", l))), None)
    figures["pids"] = {int(m.group(1)): int(m.group(2)) for l in lines
                       if (m := re.match(r"^  pid (\d+) +(\d+) blocks", l))}
    figures["meminfo_used"] = number(r"^meminfo: (\d+) of 25600 blocks in use", lines)
    return figures


def parse_ps(lines):
    rows = {}
    for line in lines:
        m = re.match(r"^ +(\d+) +(\d+)  (\w+) +(\d+) +(\d+)  (\S+)$", line)
        if m:
            rows[int(m.group(1))] = {"parent": int(m.group(2)), "state": m.group(3), "blocks": int(m.group(4)),
                                     "kib": int(m.group(5)), "name": m.group(6)}
    return rows


def parse_heap(lines):
    """The map's characters, the legend's counts by letter, and the per-character figure."""
    per = number(r"^kernel heap: 25600 blocks, (\d+) per character$", lines)
    rows = [m for l in lines if (m := re.match(r"^ *(\d+) ([.#A-Za-z?]+)$", l))]
    chars = "".join(m.group(2) for m in rows)
    legend = {}
    m = next((re.match(r"^legend: \. free (\d+) blocks, # kernel (\d+) blocks$", l) for l in lines
              if l.startswith("legend:")), None)
    if m:
        legend["."] = int(m.group(1))
        legend["#"] = int(m.group(2))
    pids = {}
    for l in lines:
        m = re.match(r"^ +([A-Za-z]) pid (\d+) \((\S+)\) (\d+) blocks$", l)
        if m:
            legend[m.group(1)] = int(m.group(4))
            pids[int(m.group(2))] = m.group(1)
    starts = [int(m.group(1)) for m in rows]
    return {"per": per, "chars": chars, "legend": legend, "pids": pids, "starts": starts}


def check_mem(label, mem, ps, kernel_heap_line=None):
    used, free, largest, kernel = mem["used"], mem["free"], mem["largest"], mem["kernel"]
    if None in (used, free, largest, kernel, mem["processes"]):
        check(f"{label}: every figure printed", False, str(mem))
        return
    check(f"{label}: used + free is the whole table", used + free == 25600)
    check(f"{label}: bytes are blocks times 4096",
          all(mem[k + "_bytes"] == mem[k] * 4096 for k in ("used", "free", "largest", "kernel", "processes")))
    check(f"{label}: used is meminfo's figure", used == mem["meminfo_used"], f"{used} vs {mem['meminfo_used']}")
    check(f"{label}: kernel and processes add up to used", kernel + mem["processes"] == used)
    check(f"{label}: the processes' blocks are the sum of each one's", sum(mem["pids"].values()) == mem["processes"])
    check(f"{label}: each process's share is what ps says it holds",
          all(ps.get(pid, {}).get("blocks") == blocks for pid, blocks in mem["pids"].items()), f"{mem['pids']}")
    check(f"{label}: the largest free run fits in the free blocks", 0 < largest <= free)
    expected = (free - largest) * 10000 // free
    check(f"{label}: fragmentation is 1 - largest / free", mem["fragmentation"] == f"{expected // 100}.{expected % 100:02d}",
          f"{mem['fragmentation']} vs {expected}")
    if kernel_heap_line is not None:
        check(f"{label}: the kernel's share is the kernel heap line's figure from before the first process",
              kernel == kernel_heap_line, f"{kernel} vs {kernel_heap_line}")


def check_heap(label, heap, mem, ps):
    chars, legend = heap["chars"], heap["legend"]
    check(f"{label}: one character per block, 25600 of them", heap["per"] == 1 and len(chars) == 25600, str(len(chars)))
    check(f"{label}: rows of 64, each starting at its first block",
          heap["starts"] == list(range(0, 25600, 64)))
    check(f"{label}: the legend counts what the map shows",
          all(chars.count(c) == n for c, n in legend.items()) and sum(legend.values()) == 25600, str(legend))
    check(f"{label}: free blocks are mem's free", legend.get(".") == mem["free"])
    check(f"{label}: kernel blocks are mem's kernel share", legend.get("#") == mem["kernel"])
    check(f"{label}: each process's letter counts the blocks ps says it holds",
          all(ps.get(pid, {}).get("blocks") == legend.get(letter) for pid, letter in heap["pids"].items())
          and set(heap["pids"]) == {p for p, row in ps.items() if row["state"] != "ended"}, str(heap["pids"]))


def main_check(log, klog):
    s, prompts = sections(log)
    console = open(log, errors="replace").read()
    kernel = open(klog, errors="replace").read()
    check("the shell printed a prompt for every line", prompts >= len(COMMANDS) - 1,
          f"{prompts} prompts")
    heap_lines = [int(n) for n in re.findall(r"^vana: kernel heap (\d+) of 25600 blocks in use$", kernel, re.M)]

    check("help lists every command", all(any(l.startswith(f"  {c}") for l in s.get("help", []))
                                        for c in ("run PROG", "ps", "mem", "heap", "pt PID", "kill PID", "help",
                                                  "exit")))
    ps1, ps2, ps3 = (parse_ps(s.get(n, [])) for n in ("ps1", "ps2", "ps3"))
    check("ps: the shell alone, pid 1, no parent, running",
          list(ps1) == [1] and ps1[1]["parent"] == 0 and ps1[1]["state"] == "running" and ps1[1]["name"] == "vsh.elf")
    check("ps: KiB is blocks times 4", all(r["kib"] == 4 * r["blocks"] for ps in (ps1, ps2, ps3) for r in ps.values()))
    mem1, mem2, mem3 = (parse_mem(s.get(n, [])) for n in ("mem1", "mem2", "mem3"))
    check_mem("mem (shell alone)", mem1, ps1, heap_lines[0] if heap_lines else -1)
    check_heap("heap (shell alone)", parse_heap(s.get("heap1", [])), mem1, ps1)

    check("run: a foreground program runs, with its arguments, and its status is reported",
          "hello from process 2 (hello.elf), 2 argument(s): a b" in s.get("hello", []) and
          "vsh: [2] hello.elf exited with status 0" in s.get("hello", []))
    check("run &: the background program starts", "vsh: [4] holes.elf started in the background" in s.get("bg", []))

    # holes (pid 4) now holds its blocks: 32 one-block allocations.
    check("ps: the background program is listed as the shell's child, not ended",
          4 in ps2 and ps2[4]["parent"] == 1 and ps2[4]["state"] in ("ready", "blocked") and
          ps2[4]["name"] == "holes.elf")
    check_mem("mem (with holes)", mem2, ps2)
    check("mem: holes' 32 one-block holes count as fragmentation",
          mem2["free"] is not None and mem2["free"] - mem2["largest"] >= 32)
    heap2 = parse_heap(s.get("heap2", []))
    check_heap("heap (with holes)", heap2, mem2, ps2)
    letter = heap2["pids"].get(4, "B")
    check("heap: holes' blocks alternate with free ones (its holes)", (letter + "." + letter + ".") * 8 in heap2["chars"])
    heap40 = parse_heap(s.get("heap40", []))
    check("heap: 40 blocks a character by default, 640 characters in 10 rows",
          heap40["per"] == 40 and len(heap40["chars"]) == 640 and heap40["starts"] == list(range(0, 25600, 2560)))
    check("heap: the default map has the same legend", heap40["legend"] == heap2["legend"])

    pt = s.get("pt", [])
    owned = number(r"^process 4: directory at 0x[0-9a-f]{8}; (\d+) page tables owned", pt, -1)
    owned_rows = [l for l in pt if re.match(r"^ +\d+: [0-9a-f]{8}-[0-9a-f]{8}$", l)]
    check("pt: each owned table is listed", owned == len(owned_rows) and owned >= 3, f"{owned} vs {len(owned_rows)}")
    check("pt: tables 0 (stack), 1 (program) and a heap table are owned",
          any(l.strip().startswith("0: 00000000-003fffff") for l in owned_rows) and
          any(l.strip().startswith("1: 00400000-007fffff") for l in owned_rows) and
          any(4 <= int(l.split(":")[0]) < 29 for l in owned_rows))
    ranges = number(r"^  user mappings \((\d+) ranges\):$", pt, -1)
    mappings = [l for l in pt if re.match(r"^    [0-9a-f]{8}-[0-9a-f]{8} (rw|r-) +\d+ KiB  \w+$", l)]
    check("pt: the stack, 16 KiB read-write", "    003fb000-003ff000 rw      16 KiB  stack" in pt)
    check("pt: the argument page, read-only", "    003ff000-00400000 r-       4 KiB  arguments" in pt)
    malloc_rows = [l for l in mappings if l.endswith("malloc")]
    check("pt: holes' 32 allocations, one 4 KiB block each, none adjacent",
          len(malloc_rows) == 32 and all(" rw       4 KiB  malloc" in l for l in malloc_rows), str(len(malloc_rows)))
    check("pt: the range count covers every row", ranges == len(mappings) or ranges + 1 == len(mappings),
          f"{ranges} vs {len(mappings)}")
    # Each block of holes on the heap map is one of its allocations, or a fixed block or table.
    check("pt: holes holds its allocations, tables and fixed blocks (its share in ps)",
          ps2.get(4, {}).get("blocks", 0) >= 32 + owned + 6)

    t = s.get("translate", [])
    m = next((re.match(r"^  table entry 1 = 0x([0-9a-f]{8}): present, read-only, user, frame 0x([0-9a-f]{8})$", l)
              for l in t if l.startswith("  table entry")), None)
    p = next((re.match(r"^  physical address 0x([0-9a-f]{8})$", l) for l in t if l.startswith("  physical")), None)
    check("pt ADDR: 0x401234 is directory 1, table 1, offset 0x234",
          "address 0x00401234: directory index 1, table index 1, offset 0x234" in t)
    check("pt ADDR: the directory entry is present, user, an owned table",
          any(re.match(r"^  directory entry 1 = 0x[0-9a-f]{8}: present, writable, user, owned table at 0x[0-9a-f]{8}$", l)
              for l in t))
    check("pt ADDR: the text page is read-only, and the address reached is its frame plus the offset",
          m is not None and p is not None and int(p.group(1), 16) == int(m.group(2), 16) + 0x234 and
          int(m.group(1), 16) & 0xFFFFF000 == int(m.group(2), 16))
    check("pt ADDR: the frame is a heap block (the image)",
          p is not None and 0x01000000 <= int(p.group(1), 16) < 0x07400000)
    check("pt ADDR: the argument page is read-only",
          any(re.match(r"^  table entry 1023 = 0x[0-9a-f]{8}: present, read-only, user, frame", l)
              for l in s.get("translate_arguments", [])))
    check("pt ADDR: address 0 is not mapped", "  not mapped" in s.get("translate_null", []) and
          any(l.startswith("  table entry 0 = 0x00000000: not present") for l in s.get("translate_null", [])))
    check("pt: a pid no process has", "vsh: pt: process 99: no such process" in s.get("pt_missing", []))
    check("pt: an address that is no number", "vsh: pt: not an address: zzz" in s.get("pt_bad_address", []))

    check("line editing: Ctrl-U wipes the line (kill 4 never ran)",
          any(l.startswith("  PID  PARENT") for l in s.get("ctrl_u", [])) and
          "vsh: killed process 4" not in s.get("ctrl_u", []))
    check("line editing: Backspace", any(l.startswith("  PID  PARENT") for l in s.get("backspace", [])))
    check("run: a program that does not exist", "vsh: run: nosuch: no such program" in s.get("nosuch", []))
    check("an unknown command", "vsh: unknown command: frobnicate (help lists them)" in s.get("unknown", []))
    check("a line longer than 255 characters is refused whole, not run cut short",
          "vsh: line longer than 255 characters, ignored" in s.get("long", []) and "xxxxxxxxxxxx" not in
          "".join(l for l in console.split("\n") if l.startswith("hello from")))

    check("kill: the shell ends its background child", "vsh: killed process 4" in s.get("kill", []))
    check("kill: the kernel says so on its log",
          "vana: process 4 (holes.elf) killed: kill from process 1 (vsh.elf)" in kernel.split("\n"))
    check("kill: wait reports it killed (status 0xff)", "vsh: [4] holes.elf was killed (kill)" in s.get("kill", []))
    refused = "vsh: kill: process {} is not a running program of this shell"
    check("kill: a child already ended and reaped is refused", refused.format(4) in s.get("kill_again", []))
    check("kill: the shell itself is refused", refused.format(1) in s.get("kill_self", []))
    check("kill: a pid no process has is refused", refused.format(99) in s.get("kill_missing", []))
    check("kill: a pid that is no number", "vsh: kill: not a process id: abc" in s.get("kill_bad", []))
    check("ps: the killed child is gone", list(ps3) == [1])
    check_mem("mem (after kill)", mem3, ps3, heap_lines[0] if heap_lines else -1)
    check("mem: every block holes held came back", mem3["used"] == mem1["used"] and mem3["free"] == mem1["free"])
    check_heap("heap (after kill)", parse_heap(s.get("heap3", [])), mem3, ps3)
    check("history: the up arrow runs the last line again",
          console.count("hello from process 6 (hello.elf), 1 argument(s): history") == 1 and
          "hello from process 7 (hello.elf), 1 argument(s): history" in s.get("recalled", []))
    check("exit: the shell leaves with the status given",
          "vana: process 1 (vsh.elf) exited with status 0" in kernel.split("\n"))
    return failures == 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "input":
        write_input(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(0 if main_check(sys.argv[2], sys.argv[3]) else 1)
    print(__doc__)
    sys.exit(2)
