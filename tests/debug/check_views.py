#!/usr/bin/env python3
"""Check the output of the gdb commands (scripts/gdb/vana.py) against facts.

    check_views.py GDB_OUTPUT KERNEL_LOG ELF

GDB_OUTPUT is what tests/debug/run.sh's gdb session printed: each command's
output after a line "@@ NAME". The facts: the heap has 25,600 blocks; what
the kernel said on its log (COM2) before the first process ran (its heap
line, which the kernel's share must still match, and the processes it
started); what the boot's programs do (each hold.elf holds one allocation of
its size; family.elf waits for the child it spawned); the heap's own count
of taken blocks and each process's memory-limit count; and the program's
ELF file, whose first bytes the frame of 0x400000 must hold.

Prints "ok - ..." or "not ok - ..." for each check.
"""
import json
import re
import struct
import sys

TOTAL, PAGE, HEAP_START = 25600, 4096, 0x01000000
HEAP_END = HEAP_START + TOTAL * PAGE
HOLD_KIB = {1: 256, 2: 512, 6: 128}  # the hold.elf modules of tests/debug/run.sh, by pid
FAMILY, CHILD = 4, 7  # family.elf, and the child.elf it spawned (pid 5 is the module child.elf, ended)


def sections(text):
    parts, name = {}, None
    for line in text.splitlines():
        if line.startswith("@@ "):
            name = line[3:].strip()
            parts[name] = []
        elif name:
            parts[name].append(line)
    return {name: "\n".join(lines) for name, lines in parts.items()}


def first_load_bytes(path, address, count):
    """count bytes the ELF at path loads at virtual address."""
    data = open(path, "rb").read()
    phoff, phentsize, phnum = struct.unpack_from("<I", data, 28)[0], *struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        kind, offset, vaddr, _, filesz = struct.unpack_from("<IIIII", data, phoff + i * phentsize)
        if kind == 1 and vaddr <= address < vaddr + filesz:
            return data[offset + address - vaddr:offset + address - vaddr + count]
    return b""


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return {}


def main():
    out = sections(open(sys.argv[1]).read())
    klog = open(sys.argv[2]).read()
    results = []

    def check(name, condition):
        results.append(condition)
        print("%s - %s" % ("ok" if condition else "not ok", name))

    def number(pattern, text, default=-1):
        match = re.search(pattern, text)
        return int(match.group(1)) if match else default

    heap_text, ps_text = out.get("heap", ""), out.get("ps", "")
    kernel_line = number(r"(?m)^vana: kernel heap (\d+) of 25600 blocks in use$", klog, -2)
    started = dict((int(pid), name) for pid, name in re.findall(r"(?m)^vana: started process (\d+) \((.*)\)$", klog))

    # vana-heap
    check("vana-heap: 25,600 blocks of 4 KiB at 0x01000000",
          "heap: 25600 blocks of 4096 bytes at 0x01000000-0x07400000, table at 0x00007e00" in heap_text)
    used = number(r"used (\d+) blocks", heap_text)
    free = number(r"free (\d+) blocks", heap_text)
    taken = number(r"the heap's own count: (\d+) taken", heap_text)
    check("vana-heap: used + free == 25,600 (%d + %d)" % (used, free), used >= 0 and used + free == TOTAL)
    check("vana-heap: used blocks == the heap's own count of taken blocks", used >= 0 and used == taken)
    owners = dict(re.findall(r"(?:kernel|pid (\d+) \([^)]*\)) (\d+)", heap_text.split("owners: ", 1)[-1].split("\n")[0]))
    kernel = number(r"owners: kernel (\d+) blocks", heap_text)
    check("vana-heap: the kernel's share (%d) == the kernel's heap line before the first process (%d)"
          % (kernel, kernel_line), kernel == kernel_line)
    process_blocks = sum(int(v) for k, v in owners.items() if k)
    check("vana-heap: kernel + every process's share == used", kernel > 0 and kernel + process_blocks == used)
    largest = number(r"largest free run (\d+) blocks", heap_text)
    check("vana-heap: the largest free run is at most the free blocks, and most of them here",
          free // 2 < largest <= free)
    rows = re.findall(r"(?m)^ +\d+  ([.#a-zA-Z]+)$", heap_text)
    cells = "".join(rows)
    check("vana-heap 16: the map has 1,600 characters, starts with the kernel's and ends free",
          len(cells) == TOTAL // 16 and cells.startswith("#") and cells.endswith("."))
    check("vana-heap: the legend names every process and its letter",
          started and all(re.search(r"[a-z] pid %d \(%s\)" % (pid, re.escape(name)), heap_text)
              for pid, name in started.items() if pid != 5))
    check("vana-heap: no block is claimed twice", "owners:" in heap_text and "warning:" not in heap_text)

    # vana-ps
    ps = {int(m[0]): m for m in re.findall(r"(?m)^ +(\d+) +(\S+)  (\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$",
                                           ps_text)}
    expected = {pid: name for pid, name in started.items() if pid != 5}
    expected[CHILD] = "child.elf"
    check("vana-ps: the pids and names of the live processes (%s)" % sorted(ps),
          {pid: row[2] for pid, row in ps.items()} == expected)
    check("vana-ps: family.elf is blocked in wait, and its spawned child names it as parent",
          FAMILY in ps and CHILD in ps and ps[FAMILY][3] == "blocked" and ps[CHILD][1] == str(FAMILY))
    check("vana-ps: exactly one process is running (the breakpoint is in its system call)",
          sum(row[3] == "running" for row in ps.values()) == 1)
    check("vana-ps: each process's blocks == what the kernel counts against its memory limit",
          bool(ps) and all(row[4] == row[6] for row in ps.values()))
    check("vana-ps: each process's blocks == its share of the heap map",
          bool(ps) and all(int(ps[pid][4]) == int(owners.get(str(pid), -1)) for pid in ps))
    check("vana-ps: each hold.elf holds its one allocation",
          bool(ps) and all(pid in ps and ps[pid][7] == "1" for pid in HOLD_KIB))

    # vana-pt
    pt = out.get("pt", "")
    check("vana-pt 1: stack, arguments, program and one allocation of 256 KiB, with their rights",
          re.search(r"0x003fb000-0x003fefff +16 KiB  user rw  stack", pt) and
          re.search(r"0x003ff000-0x003fffff +4 KiB  user r-  arguments", pt) and
          re.search(r"0x00400000-0x00401fff +8 KiB  user r-  program", pt) and
          len(re.findall(r"\d+ KiB  user rw  allocation", pt)) == 1 and
          re.search(r"0x01[0-9a-f]{6}-0x01[0-9a-f]{6} +256 KiB  user rw  allocation", pt) is not None)
    ptjson = parse_json(out.get("ptjson", ""))
    owned = [r for r in ptjson.get("regions", []) if r["kind"] == "owned table"]
    check("vana-pt 1: the tables it owns are directory entries 0, 1 and 4 (the heap's first 4 MiB)",
          [r["index"] for r in owned] == [0, 1, 4] and "page tables owned:" in pt)
    check("vana-pt 1: shares the kernel's stack-region tables (directory 768-842)",
          "page tables shared with the kernel: directory 768-842 (0xc0000000-0xd2bfffff)" in pt)
    walk = out.get("walk", "")
    check("vana-pt 1 0x400000: directory index 1, table index 0, offset 0",
          "directory index 1 (bits 31-22)" in walk and "table index 0 (bits 21-12)" in walk and
          "offset 0x000 (bits 11-0)" in walk)
    walkjson = parse_json(out.get("walkjson", ""))
    frame = walkjson.get("frame") or 0
    check("vana-pt 1 0x400000: the frame 0x%08x is a heap block of pid 1's image" % frame,
          HEAP_START <= frame < HEAP_END and walkjson.get("owner") == 1 and walkjson.get("kind") == "image" and
          "pid 1's image" in walk)
    frame_bytes = re.search(r"frame-bytes ([0-9a-f]+)", out.get("frame", ""))
    check("vana-pt 1 0x400000: the frame holds the first bytes hold.elf loads at 0x400000",
          frame_bytes is not None and bytes.fromhex(frame_bytes.group(1)) == first_load_bytes(sys.argv[3], 0x400000, 16))
    check("vana-pt 1 0x00401234: directory 1, table 1, offset 0x234",
          "directory index 1 " in out.get("walk2", "") and "table index 1 " in out.get("walk2", "") and
          "offset 0x234 " in out.get("walk2", ""))
    check("vana-pt 1 0x3fa000: the guard page below the stack is not present",
          "the page is not present, an access faults" in out.get("guard", ""))
    check("vana-pt 1 0x100000: the kernel's page is present but supervisor-only",
          re.search(r"table index 256 \(bits 21-12\): entry 0x00100\w{3}: present, \S+, supervisor",
                    out.get("kernelpage", "")) is not None)
    check("vana-pt 99: no such process, said so", "no process 99" in out.get("bad", ""))

    # The JSON forms say the same as the text.
    heapjson = parse_json(out.get("heapjson", ""))
    runs = heapjson.get("runs", [])
    check("vana-heap --json: the runs cover the 25,600 blocks in order, and agree with the counts",
          bool(runs) and sum(r[1] for r in runs) == TOTAL and all(a[0] + a[1] == b[0] for a, b in zip(runs, runs[1:])) and
          sum(r[1] for r in runs if r[2] == "free") == heapjson.get("free") == free and
          sum(r[1] for r in runs if r[2] == "kernel") == heapjson.get("kernel") == kernel)
    psjson = parse_json(out.get("psjson", ""))
    check("vana-ps --json: the same processes and blocks",
          bool(ps) and {p["pid"]: (p["name"], str(p["blocks"])) for p in psjson.get("processes", [])} ==
          {pid: (row[2], row[4]) for pid, row in ps.items()})
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
