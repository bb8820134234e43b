"""gdb commands that show Vana's memory from a halted kernel (make debug).

    vana-heap [--json] [N]   the kernel heap: used and free blocks, the largest
                             free run, each owner's share, and a map of the
                             block table, one character per N blocks (64)
    vana-ps [--json]         every process: pid, parent, name, state, blocks held
    vana-pt [--json] PID [ADDR]
                             a process's user mappings and page tables, or the
                             walk of one address through its directory

They read the kernel's own structures through gdb, with the types the
kernel's DWARF gives (build/vana.elf): kernel_heap (kheap.c) for the block
table, current_task and the run queue (task.c) for the processes, and each
process's paging_4gb_chunk for its directory. Nothing here changes the
kernel's memory.

Who owns a heap block is worked out the way the kernel accounts for it
(process_held_blocks, src/task/process.c): a process owns its record,
directory, image, stack, argument page and kernel stack (its fixed blocks),
the page tables its directory owns, the frames of its user allocations, and
the records of its ended children waiting for its wait. A block that is
taken and owned by no process is the kernel's.

Every page table and heap block lies in the kernel's identity map, which
every directory shares, so the addresses read here are the same whichever
directory the CPU had loaded when it stopped.

--json prints one JSON object instead of text: what scripts/pictures.py
draws and tests/debug/run.sh checks.
"""
import json
import struct

import gdb

# Hardware facts (Intel SDM vol. 3A, 4.3), and Vana's own bits, as in
# src/memory/paging/paging.h and src/memory/heap/heap.h: macros are not in
# the DWARF, so they are repeated here.
PAGE_SIZE = 4096
ENTRIES = 1024
REGION_SIZE = PAGE_SIZE * ENTRIES  # what one directory entry maps: 4 MiB
PRESENT, WRITABLE, USER, LARGE_PAGE = 0x1, 0x2, 0x4, 0x80
TABLE_IS_OWNED = 0x200  # PAGING_TABLE_IS_OWNED: the directory owns this table
ADDRESS_MASK = 0xFFFFF000
LARGE_PAGE_MASK = 0xFFC00000
BLOCK_TYPE_MASK, BLOCK_HAS_NEXT = 0x0F, 0x80  # HEAP_BLOCK_TYPE_MASK, HEAP_BLOCK_HAS_NEXT

FREE, KERNEL = "free", "kernel"
# More processes than the heap could hold: a list longer than this is a
# kernel stopped half-way through changing it, or a corrupt one.
LIST_BOUND = 25600
# The kinds of block a process holds, in the order they are claimed.
FIXED_KINDS = ("record", "directory", "image", "stack", "arguments", "kernel stack")


def kernel_variable(name):
    """A static variable of the kernel, by name; a gdb error if it has none."""
    symbol = gdb.lookup_static_symbol(name) or gdb.lookup_global_symbol(name)
    if symbol is None:
        raise gdb.GdbError("no symbol %s: load build/vana.elf first (file build/vana.elf)" % name)
    return symbol.value()


def read_words(address, count):
    memory = gdb.selected_inferior().read_memory(address, 4 * count)
    return struct.unpack("<%dI" % count, bytes(memory))


def pointer(value):
    return int(value.cast(gdb.lookup_type("unsigned int")))


class Heap:
    """The kernel heap's table, read once: total blocks, start, the entries."""

    def __init__(self):
        heap = kernel_variable("kernel_heap")
        table = heap["table"]
        if pointer(table) == 0:
            raise gdb.GdbError("the kernel heap is not set up yet (kheap_init has not run)")
        self.start = pointer(heap["saddr"])
        self.total = int(table["total"])
        self.taken_counter = int(heap["blocks_taken"])
        self.table_address = pointer(table["entries"])
        self.entries = bytes(gdb.selected_inferior().read_memory(self.table_address, self.total))

    def is_free(self, block):
        return self.entries[block] & BLOCK_TYPE_MASK == 0

    def block_of(self, address):
        """The heap block holding address, or None outside the heap."""
        block = (address - self.start) // PAGE_SIZE
        return block if 0 <= address - self.start and block < self.total else None

    def allocation(self, address):
        """The blocks of the allocation that starts at address (as heap_allocation_blocks)."""
        first = self.block_of(address)
        if first is None or address % PAGE_SIZE or self.is_free(first):
            return range(0)
        last = first
        while self.entries[last] & BLOCK_HAS_NEXT and last + 1 < self.total:
            last += 1
        return range(first, last + 1)

    def free_runs(self):
        """(first block, length) of each run of free blocks."""
        runs, start = [], None
        for block in range(self.total + 1):
            free = block < self.total and self.is_free(block)
            if free and start is None:
                start = block
            elif not free and start is not None:
                runs.append((start, block - start))
                start = None
        return runs


class Process:
    """One process record, with its state and where its directory is."""

    def __init__(self, value, state):
        self.value = value
        self.address = pointer(value.address)
        self.pid = int(value["pid"])
        self.name = value["name"].string()
        parent = value["parent"]
        self.parent = int(parent.dereference()["pid"]) if pointer(parent) else None
        self.state = state
        self.ended = bool(value["ended"])
        self.directory = pointer(value["chunk"]["directory_entry"])
        self.owned_tables = int(value["chunk"]["owned_tables"])
        self.allocation_count = int(value["allocation_count"])
        # What the kernel counts for the memory limit (process_held_blocks).
        self.kernel_held = (int(value["fixed_blocks"]) + self.owned_tables + int(value["allocated_blocks"]) +
                            int(value["ended_children"]))

    def fixed(self):
        """(kind, address) of each fixed allocation; NULL ones (an ended process) left out."""
        task = self.value["task"]
        addresses = (self.address, self.directory, pointer(self.value["image"]), pointer(self.value["stack"]),
                     pointer(self.value["arguments"]), pointer(task["kernel_stack"]))
        return [(kind, address) for kind, address in zip(FIXED_KINDS, addresses) if address]

    def children(self):
        child = self.value["children"]
        for _ in range(LIST_BOUND):
            if not pointer(child):
                return
            yield child.dereference()
            child = child.dereference()["sibling"]


def task_state(task, current):
    if pointer(task.address) == current:
        return "running"
    name = str(task["state"])
    return {"TASK_RUNNABLE": "runnable", "TASK_BLOCKED": "blocked", "TASK_ZOMBIE": "zombie"}.get(name, name)


def processes():
    """Every process, by pid.

    The kernel keeps no list of all processes. It has the running task and
    the run queue; a blocked task waits for a child, and a child that ended
    stays in its parent's list. So every process is reached from the
    runnable ones through the parent and children links. (A process
    blocked for another reason, with no runnable relative, would not be
    found: a list of all processes in the kernel is what would show it.)
    """
    current_task = kernel_variable("current_task")
    current = pointer(current_task)
    tasks = [current_task.dereference()] if current else []
    task = kernel_variable("run_queue_head")
    while pointer(task) and len(tasks) <= LIST_BOUND:
        tasks.append(task.dereference())
        task = task.dereference()["next"]

    # Stopped in the scheduler between taking a task off the queue and
    # putting it back, the task is in its local variable alone.
    try:
        frame = gdb.newest_frame()
        if frame.function() and frame.function().name == "task_run_scheduler":
            task = frame.read_var("task")
            if pointer(task):
                tasks.append(task.dereference())
    except (gdb.error, ValueError):
        pass

    found, todo = {}, [task["process"].dereference() for task in tasks]
    while todo:
        value = todo.pop()
        if pointer(value.address) in found:
            continue
        state = "ended" if bool(value["ended"]) else task_state(value["task"], current)
        process = Process(value, state)
        found[process.address] = process
        if pointer(value["parent"]):
            todo.append(value["parent"].dereference())
        todo.extend(process.children())
    return sorted(found.values(), key=lambda p: p.pid)


class Directory:
    """A page directory, its tables read on demand."""

    def __init__(self, address):
        self.address = address
        self.entries = read_words(address, ENTRIES)
        self._tables = {}

    def table(self, index):
        """The 1024 entries of the table behind directory entry index (a 4 MiB page gives its pages')."""
        entry = self.entries[index]
        if not entry & PRESENT:
            return (0,) * ENTRIES
        if entry & LARGE_PAGE:
            base, flags = entry & LARGE_PAGE_MASK, entry & 0x1F
            return tuple(base + i * PAGE_SIZE | flags for i in range(ENTRIES))
        if index not in self._tables:
            self._tables[index] = read_words(entry & ADDRESS_MASK, ENTRIES)
        return self._tables[index]

    def owned(self):
        return [i for i, entry in enumerate(self.entries) if entry & PRESENT and entry & TABLE_IS_OWNED]

    def user_pages(self):
        """(virtual address, table entry) of every page ring 3 can reach."""
        for index, entry in enumerate(self.entries):
            if entry & (PRESENT | USER) != PRESENT | USER:
                continue
            for i, page in enumerate(self.table(index)):
                if page & (PRESENT | USER) == PRESENT | USER:
                    yield index * REGION_SIZE + i * PAGE_SIZE, page


class Snapshot:
    """The heap and every process, with the owner and kind of each block."""

    def __init__(self):
        self.heap = Heap()
        self.processes = processes()
        self.owner = [FREE if self.heap.is_free(b) else KERNEL for b in range(self.heap.total)]
        self.kind = [""] * self.heap.total
        self.conflicts = []  # (block, first claim, second claim): a kernel bug, or a view of it
        self.directories = {}
        by_address = {p.address: p for p in self.processes}
        for process in self.processes:
            if process.ended:
                parent = by_address.get(pointer(process.value["parent"]))
                self.claim_allocation(parent.pid if parent else process.pid, "child record", process.address)
                continue
            for kind, address in process.fixed():
                self.claim_allocation(process.pid, kind, address)
            if not process.directory:
                continue
            directory = self.directories[process.pid] = Directory(process.directory)
            for index in directory.owned():
                self.claim(process.pid, "page table", self.heap.block_of(directory.entries[index] & ADDRESS_MASK))
            for _, entry in directory.user_pages():
                block = self.heap.block_of(entry & ADDRESS_MASK)
                # Image, stack and argument frames are claimed already; the rest are allocations.
                if block is not None and self.owner[block] != process.pid:
                    self.claim(process.pid, "allocation", block)

    def claim_allocation(self, pid, kind, address):
        for block in self.heap.allocation(address):
            self.claim(pid, kind, block)

    def claim(self, pid, kind, block):
        if block is None:
            return
        if self.owner[block] not in (KERNEL, pid):
            self.conflicts.append((block, "%s %s" % (self.owner[block], self.kind[block]), "%s %s" % (pid, kind)))
            return
        self.owner[block] = pid
        self.kind[block] = kind

    def counts(self):
        counts = {}
        for owner in self.owner:
            counts[owner] = counts.get(owner, 0) + 1
        return counts

    def runs(self):
        """[first block, length, owner, kind] of each run of blocks with the same owner and kind."""
        runs = []
        for block, (owner, kind) in enumerate(zip(self.owner, self.kind)):
            if runs and runs[-1][2] == owner and runs[-1][3] == kind:
                runs[-1][1] += 1
            else:
                runs.append([block, 1, owner, kind])
        return runs

    def letters(self):
        """The map's letter for each process: a, b, c... in pid order."""
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return {p.pid: alphabet[i % len(alphabet)] for i, p in enumerate(self.processes) if not p.ended}

    def process(self, pid):
        for process in self.processes:
            if process.pid == pid:
                return process
        raise gdb.GdbError("no process %d (vana-ps lists them)" % pid)


def split_options(argument):
    words = gdb.string_to_argv(argument)
    return "--json" in words, [w for w in words if w != "--json"]


def parse_number(word, what):
    try:
        return int(word, 0)
    except ValueError:
        raise gdb.GdbError("%s: not a number: %s" % (what, word))


def kib(blocks):
    return blocks * PAGE_SIZE // 1024


class VanaHeap(gdb.Command):
    """vana-heap [--json] [N]: the kernel heap, and a map of its table, one character per N blocks (64).
In the map '.' is free, '#' the kernel's, and a letter one process's (the legend says whose).
A character stands for the owner of most of its N blocks."""

    def __init__(self):
        super().__init__("vana-heap", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        as_json, words = split_options(argument)
        per_char = parse_number(words[0], "vana-heap") if words else 64
        if per_char < 1:
            raise gdb.GdbError("vana-heap: N must be at least 1")
        snapshot = Snapshot()
        heap = snapshot.heap
        counts = snapshot.counts()
        free = counts.get(FREE, 0)
        runs = snapshot.heap.free_runs()
        largest = max(runs, key=lambda run: run[1], default=(None, 0))
        if as_json:
            print(json.dumps({
                "total": heap.total, "block_size": PAGE_SIZE, "start": heap.start, "table": heap.table_address,
                "used": heap.total - free, "free": free, "taken_counter": heap.taken_counter,
                "largest_free_run": largest[1], "largest_free_run_start": largest[0],
                "kernel": counts.get(KERNEL, 0),
                "processes": [{"pid": p.pid, "name": p.name, "state": p.state, "blocks": counts.get(p.pid, 0),
                               "kernel_held": p.kernel_held} for p in snapshot.processes],
                "runs": snapshot.runs(), "conflicts": snapshot.conflicts}))
            return
        used = heap.total - free
        print("heap: %d blocks of %d bytes at 0x%08x-0x%08x, table at 0x%08x" %
              (heap.total, PAGE_SIZE, heap.start, heap.start + heap.total * PAGE_SIZE, heap.table_address))
        print("used %d blocks (%d KiB), free %d blocks (%d KiB); the heap's own count: %d taken" %
              (used, kib(used), free, kib(free), heap.taken_counter))
        if largest[0] is None:
            print("largest free run: none, the heap is full")
        else:
            print("largest free run %d blocks at block %d (0x%08x); fragmentation %.3f (1 - largest run / free)" %
                  (largest[1], largest[0], heap.start + largest[0] * PAGE_SIZE, 1 - largest[1] / free))
        letters = snapshot.letters()
        print("owners: kernel %d blocks" % counts.get(KERNEL, 0) +
              "".join("; pid %d (%s) %d" % (p.pid, p.name, counts.get(p.pid, 0))
                      for p in snapshot.processes if not p.ended))
        for block, first, second in snapshot.conflicts:
            print("warning: block %d claimed by %s and by %s" % (block, first, second))
        print("map: one character per %d blocks (%d KiB)" % (per_char, kib(per_char)))
        cells = []
        for first in range(0, heap.total, per_char):
            votes = {}
            for owner in snapshot.owner[first:first + per_char]:
                votes[owner] = votes.get(owner, 0) + 1
            owner = max(votes, key=lambda o: (votes[o], o != FREE))
            cells.append("." if owner == FREE else "#" if owner == KERNEL else letters.get(owner, "?"))
        width = 64
        for row in range(0, len(cells), width):
            print("  %5d  %s" % (row * per_char, "".join(cells[row:row + width])))
        print("legend: . free  # kernel" + "".join("  %s pid %d (%s)" % (letters[p.pid], p.pid, p.name)
                                                   for p in snapshot.processes if p.pid in letters))


class VanaPs(gdb.Command):
    """vana-ps [--json]: every process: pid, parent, name, state, heap blocks held.
BLOCKS counts what the heap map attributes to the process; LIMIT is what the
kernel counts against its memory limit (process_held_blocks): the two agree."""

    def __init__(self):
        super().__init__("vana-ps", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        as_json, _ = split_options(argument)
        snapshot = Snapshot()
        counts = snapshot.counts()
        rows = [{"pid": p.pid, "parent": p.parent, "name": p.name, "state": p.state,
                 "blocks": 0 if p.ended else counts.get(p.pid, 0), "limit_blocks": 0 if p.ended else p.kernel_held,
                 "allocations": p.allocation_count, "page_tables": p.owned_tables} for p in snapshot.processes]
        if as_json:
            print(json.dumps({"processes": rows}))
            return
        print("%5s %6s  %-16s %-9s %7s %8s %7s %6s %6s" %
              ("PID", "PARENT", "NAME", "STATE", "BLOCKS", "KIB", "LIMIT", "ALLOCS", "TABLES"))
        for row in rows:
            print("%5d %6s  %-16s %-9s %7d %8d %7d %6d %6d" %
                  (row["pid"], "-" if row["parent"] is None else row["parent"], row["name"][:16], row["state"],
                   row["blocks"], kib(row["blocks"]), row["limit_blocks"], row["allocations"], row["page_tables"]))
        print("%d processes; the kernel holds %d blocks" % (len(rows), counts.get(KERNEL, 0)))


def rights(entry):
    return "user " + ("rw" if entry & WRITABLE else "r-")


def page_kind(snapshot, pid, entry):
    """What a user page of process pid holds, by its frame's kind."""
    block = snapshot.heap.block_of(entry & ADDRESS_MASK)
    if block is None:
        return "outside the heap"
    if snapshot.owner[block] != pid:
        return "another owner's block!"
    return {"image": "program"}.get(snapshot.kind[block], snapshot.kind[block])


def user_ranges(snapshot, pid, directory):
    """[start, end, entry flags, kind] of each run of user pages alike in rights and kind, contiguous in both."""
    ranges = []
    for virtual, entry in directory.user_pages():
        kind = page_kind(snapshot, pid, entry)
        flags = entry & (WRITABLE | USER)
        last = ranges[-1] if ranges else None
        if last and last[1] == virtual and last[2] == flags and last[3] == kind:
            last[1] += PAGE_SIZE
        else:
            ranges.append([virtual, virtual + PAGE_SIZE, flags, kind])
    return ranges


def index_ranges(indexes):
    """[first, last] of each run of consecutive numbers in the sorted list indexes."""
    ranges = []
    for index in indexes:
        if ranges and ranges[-1][1] == index - 1:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])
    return ranges


def describe_directory_entry(entry, kernel_entry):
    if not entry & PRESENT:
        return "not present"
    if entry & LARGE_PAGE:
        return "a 4 MiB page at 0x%08x, shared with the kernel" % (entry & LARGE_PAGE_MASK)
    table = entry & ADDRESS_MASK
    if entry & TABLE_IS_OWNED:
        return "table at 0x%08x, owned" % table
    return "table at 0x%08x, %s" % (table, "shared with the kernel" if (kernel_entry & ADDRESS_MASK) == table
                                     else "shared")


def entry_flags(entry):
    words = ["present" if entry & PRESENT else "not present"]
    if entry & PRESENT:
        words += ["writable" if entry & WRITABLE else "read-only", "user" if entry & USER else "supervisor"]
    return ", ".join(words)


class VanaPt(gdb.Command):
    """vana-pt [--json] PID [ADDR]: the user mappings of process PID, as ranges with
their rights and what they hold, and the page tables its directory owns and shares.
With ADDR: the walk of that virtual address through the directory and table to its frame."""

    def __init__(self):
        super().__init__("vana-pt", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        as_json, words = split_options(argument)
        if not words or len(words) > 2:
            raise gdb.GdbError("usage: vana-pt [--json] PID [ADDR]")
        snapshot = Snapshot()
        process = snapshot.process(parse_number(words[0], "vana-pt"))
        directory = snapshot.directories.get(process.pid)
        if directory is None:
            raise gdb.GdbError("process %d has ended: it has no directory left" % process.pid)
        kernel = Directory(pointer(kernel_variable("kernel_directory")["directory_entry"]))
        if len(words) == 2:
            address = parse_number(words[1], "vana-pt") & 0xFFFFFFFF
            self.translate(snapshot, process, directory, kernel, address, as_json)
        elif as_json:
            self.dump(snapshot, process, directory, kernel)
        else:
            self.show(snapshot, process, directory, kernel)

    def show(self, snapshot, process, directory, kernel):
        owned = directory.owned()
        shared = [i for i, e in enumerate(directory.entries) if e & PRESENT and not e & TABLE_IS_OWNED]
        large = sum(1 for i in shared if directory.entries[i] & LARGE_PAGE)
        print("process %d (%s): directory at 0x%08x; %d page tables owned, %d directory entries shared with the "
              "kernel (%d 4 MiB pages, %d tables)" % (process.pid, process.name, directory.address, len(owned),
                                                      len(shared), large, len(shared) - large))
        print("user mappings:")
        for start, end, flags, kind in user_ranges(snapshot, process.pid, directory):
            print("  0x%08x-0x%08x %7d KiB  %-7s  %s" % (start, end - 1, (end - start) // 1024, rights(flags), kind))
        print("page tables owned:")
        for index in owned:
            user = sum(1 for page in directory.table(index) if page & (PRESENT | USER) == PRESENT | USER)
            print("  directory %4d  0x%08x-0x%08x  table at 0x%08x  %4d user pages" %
                  (index, index * REGION_SIZE, (index + 1) * REGION_SIZE - 1, directory.entries[index] & ADDRESS_MASK,
                   user))
        tables = [i for i in shared if not directory.entries[i] & LARGE_PAGE]
        print("page tables shared with the kernel: %s" % (", ".join(
            "directory %s (0x%08x-0x%08x)" % (str(first) if first == last else "%d-%d" % (first, last),
                                              first * REGION_SIZE, (last + 1) * REGION_SIZE - 1)
            for first, last in index_ranges(tables)) or "none"))

    def dump(self, snapshot, process, directory, kernel):
        regions = []
        for index, entry in enumerate(directory.entries):
            if not entry & PRESENT:
                kind = "not present"
            elif entry & LARGE_PAGE:
                kind = "4 MiB page"
            elif entry & TABLE_IS_OWNED:
                kind = "owned table"
            else:
                kind = "shared table"
            region = {"index": index, "entry": entry, "kind": kind}
            if kind == "owned table":
                pages = []
                for page in directory.table(index):
                    if page & (PRESENT | USER) == PRESENT | USER:
                        pages.append(page_kind(snapshot, process.pid, page))
                    elif page & PRESENT:
                        pages.append("kernel")
                    else:
                        pages.append("not present")
                region["pages"] = pages
            regions.append(region)
        print(json.dumps({"pid": process.pid, "name": process.name, "directory": directory.address,
                          "regions": regions, "ranges": user_ranges(snapshot, process.pid, directory)}))

    def translate(self, snapshot, process, directory, kernel, address, as_json):
        index, table_index, offset = address // REGION_SIZE, address // PAGE_SIZE % ENTRIES, address % PAGE_SIZE
        entry = directory.entries[index]
        walk = {"address": address, "directory_index": index, "directory_entry": entry,
                "table_index": table_index, "offset": offset, "table_entry": None, "frame": None}
        lines = ["process %d (%s): 0x%08x" % (process.pid, process.name, address),
                 "  directory index %d (bits 31-22): entry 0x%08x: %s; %s" %
                 (index, entry, entry_flags(entry), describe_directory_entry(entry, kernel.entries[index]))]
        if entry & PRESENT and entry & LARGE_PAGE:
            walk["offset"] = address % REGION_SIZE
            walk["frame"] = entry & LARGE_PAGE_MASK
            lines.append("  offset 0x%06x (bits 21-0) in the 4 MiB page: physical 0x%08x" %
                         (walk["offset"], walk["frame"] + walk["offset"]))
        elif entry & PRESENT:
            page = directory.table(index)[table_index]
            walk["table_entry"] = page
            lines.append("  table index %d (bits 21-12): entry 0x%08x: %s" % (table_index, page, entry_flags(page)))
            if page & PRESENT:
                walk["frame"] = page & ADDRESS_MASK
                lines.append("  offset 0x%03x (bits 11-0): frame 0x%08x, physical 0x%08x" %
                             (offset, walk["frame"], walk["frame"] + offset))
            else:
                lines.append("  offset 0x%03x (bits 11-0): the page is not present, an access faults" % offset)
        else:
            lines.append("  the directory entry is not present: an access faults")
        if walk["frame"] is not None:
            block = snapshot.heap.block_of(walk["frame"] + walk["offset"])
            walk["block"] = block
            if block is None:
                lines.append("  outside the kernel heap")
            else:
                owner, kind = snapshot.owner[block], snapshot.kind[block]
                walk["owner"], walk["kind"] = owner, kind
                who = "free" if owner == FREE else "the kernel's" if owner == KERNEL else "pid %s's %s" % (owner, kind)
                lines.append("  heap block %d: %s" % (block, who))
        if as_json:
            print(json.dumps(walk))
        else:
            print("\n".join(lines))


VanaHeap()
VanaPs()
VanaPt()
