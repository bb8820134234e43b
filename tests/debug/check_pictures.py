#!/usr/bin/env python3
"""Check the pictures of make pictures against the captures they were drawn from.

    check_pictures.py CAPTURE_DIR PICTURE_DIR KERNEL_LOG

For each heap picture (before, during, after) the map's pixels are counted
per colour: free, the kernel's and each process's colour must cover exactly
as many pixels as the capture counts blocks, and no other colour may
appear. The captures must agree with the kernel's own figures: the
kernel's share at every stage, and all the used blocks once every process
has ended, are the "kernel heap N of 25600 blocks in use" line. The
address-space picture's process has as many allocation pages as the heap
capture at the same stage gives it allocation blocks.

Prints "ok - ..." or "not ok - ..." for each check. Needs Pillow.
"""
import json
import os
import re
import sys

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import pictures  # noqa: E402  (scripts/pictures.py)


def main():
    capture_dir, picture_dir, kernel_log = sys.argv[1:4]
    results = []

    def check(name, condition):
        results.append(bool(condition))
        print("%s - %s" % ("ok" if condition else "not ok", name))

    def load(name):
        try:
            with open(os.path.join(capture_dir, name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    heap_lines = [int(n) for n in re.findall(r"(?m)^vana: kernel heap (\d+) of 25600 blocks in use$",
                                             open(kernel_log).read())]
    check("the kernel printed its heap line before the first process and after the last, equal (%s)" % heap_lines,
          len(heap_lines) == 2 and heap_lines[0] == heap_lines[1])
    kernel_line = heap_lines[0] if heap_lines else -1

    for stage in pictures.STAGES:
        capture = load("heap-%s.json" % stage)
        path = os.path.join(picture_dir, "heap-%s.png" % stage)
        if capture is None or not os.path.exists(path):
            check("heap-%s: captured and drawn" % stage, False)
            continue
        expected = {pictures.FREE_COLOUR: capture["free"], pictures.KERNEL_COLOUR: capture["kernel"]}
        for process in capture["processes"]:
            expected[pictures.owner_colour(process["pid"])] = process["blocks"]
        x, y = pictures.MAP_ORIGIN
        width, height = pictures.MAP_WIDTH, capture["total"] // pictures.MAP_WIDTH
        image = Image.open(path).convert("RGB")
        counted = {colour: n for n, colour in image.crop((x, y, x + width, y + height)).getcolors(width * height)}
        check("heap-%s.png: a %d x %d map, one pixel per block of the %d" % (stage, width, height, capture["total"]),
              width * height == capture["total"] == 25600)
        check("heap-%s.png: pixels per colour == the capture's blocks per owner (free %d, kernel %d, %d processes)"
              % (stage, capture["free"], capture["kernel"], len(capture["processes"])),
              len(expected) == 2 + len(capture["processes"]) and counted == {c: n for c, n in expected.items() if n})
        check("heap-%s: used %d == free's complement, and the heap's own count" % (stage, capture["used"]),
              capture["used"] + capture["free"] == capture["total"] and capture["used"] == capture["taken_counter"])
        check("heap-%s: the kernel's share == its heap line (%d), each process's == its memory-limit count"
              % (stage, kernel_line), capture["kernel"] == kernel_line and
              all(p["blocks"] == p["kernel_held"] for p in capture["processes"]) and not capture["conflicts"])

    before, during, after, end = (load("heap-%s.json" % s) for s in ("before", "during", "after", "end"))
    if before and during and after and end:
        check("before: six fragments loaded, none has allocated (13 blocks each)",
              [p["blocks"] for p in before["processes"]] == [13] * 6)
        check("during: the holes fragment the free space (largest run < free)",
              during["largest_free_run"] < during["free"])
        check("after: the short fragments have ended, the long ones hold more",
              [p["pid"] for p in after["processes"]] == [1, 3, 5])
        check("end: every process gone, used == the kernel's heap line (%d)" % kernel_line,
              end["used"] == kernel_line and not end["processes"])
    else:
        check("all four stages captured", False)

    space = load("address-space.json")
    if space and after:
        pages = sum(1 for r in space["regions"] if r["kind"] == "owned table" for page in r["pages"]
                    if page == "allocation")
        blocks = sum(run[1] for run in after["runs"] if run[2] == space["pid"] and run[3] == "allocation")
        check("address space of pid %d: %d allocation pages == its allocation blocks in the heap capture (%d)"
              % (space["pid"], pages, blocks), pages == blocks > 0)
        check("address-space.png drawn", os.path.exists(os.path.join(picture_dir, "address-space.png")))
    else:
        check("address space captured", False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
