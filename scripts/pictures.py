#!/usr/bin/env python3
"""Draw the captures of make pictures (scripts/pictures.sh) with Pillow.

    pictures.py CAPTURE_DIR PICTURE_DIR

From CAPTURE_DIR (what scripts/gdb/capture.py wrote: vana-heap --json at
each stage, vana-pt --json of one process) it draws into PICTURE_DIR:

  heap-before.png, heap-during.png, heap-after.png
      the kernel heap's 25,600 blocks, one pixel each, 160 to a row from
      the top left (block 0, at 0x01000000), coloured by owner: free,
      the kernel, or the process (one colour per pid, the same in every
      picture); a legend beside the map gives each owner's block count;
  address-space.png
      one process's page directory, one cell per entry (not present, a
      4 MiB page or a table shared with the kernel, a table it owns), and
      each table it owns, one cell per page, coloured by what the page
      holds (program, stack, arguments, allocation, the kernel's
      supervisor-only identity map, not present).

tests/debug/check_pictures.py counts the heap map's pixels per colour.
"""
import colorsys
import json
import os
import sys

from PIL import Image, ImageDraw, ImageFont

MAP_WIDTH = 160  # blocks per row of the heap map
MAP_ORIGIN = (8, 24)  # where the map's top-left pixel (block 0) is in a heap picture
FREE_COLOUR = (236, 236, 236)
KERNEL_COLOUR = (60, 60, 60)
INK, PAPER = (0, 0, 0), (255, 255, 255)
# Well-separated colours for the first processes, by pid; later pids get
# hues a golden angle apart. None is grey, black or white.
PROCESS_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                   (227, 119, 194), (188, 189, 34), (23, 190, 207), (174, 199, 232), (255, 187, 120),
                   (152, 223, 138)]
PAGE_COLOURS = {"not present": PAPER, "kernel": (200, 200, 200), "program": (44, 160, 44), "stack": (255, 127, 14),
                "arguments": (148, 103, 189), "allocation": (31, 119, 180)}
OTHER_PAGE_COLOUR = (214, 39, 40)  # a user page in no frame of the process's own: never expected
ENTRY_COLOURS = {"not present": PAPER, "4 MiB page": (225, 225, 225), "shared table": (150, 150, 150),
                 "owned table": (31, 119, 180)}
ENTRY_WORDS = {"not present": "not present", "4 MiB page": "4 MiB page of the kernel's identity map, shared",
               "shared table": "page table shared with the kernel (the kernel stacks' region)",
               "owned table": "page table the process owns (drawn on the right)"}
STAGES = ("before", "during", "after")
FONT = ImageFont.load_default()
LINE = 12


def owner_colour(owner):
    """The colour of a block's owner: "free", "kernel" or a pid."""
    if owner == "free":
        return FREE_COLOUR
    if owner == "kernel":
        return KERNEL_COLOUR
    if 1 <= owner <= len(PROCESS_COLOURS):
        return PROCESS_COLOURS[owner - 1]
    hue = (owner * 0.618033988749895) % 1.0
    return tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.85))


def heap_map(capture):
    """The heap table, one pixel per block, MAP_WIDTH blocks to a row."""
    rows = (capture["total"] + MAP_WIDTH - 1) // MAP_WIDTH
    image = Image.new("RGB", (MAP_WIDTH, rows), PAPER)
    pixels = image.load()
    for first, length, owner, _ in capture["runs"]:
        colour = owner_colour(owner)
        for block in range(first, first + length):
            pixels[block % MAP_WIDTH, block // MAP_WIDTH] = colour
    return image


def swatch(draw, x, y, colour, size=9):
    draw.rectangle((x, y + 1, x + size - 1, y + size), fill=colour, outline=INK)


def heap_picture(capture, stage):
    """The heap map of one capture, with a title and a legend beside it."""
    heap = heap_map(capture)
    x0, y0 = MAP_ORIGIN
    legend_x = x0 + heap.width + 16
    owners = [("free", "free", capture["free"]), ("kernel", "the kernel", capture["kernel"])]
    owners += [(p["pid"], "pid %d %s (%s)" % (p["pid"], p["name"], p["state"]), p["blocks"])
               for p in capture["processes"] if p["state"] != "ended"]
    lines = len(owners) + 6
    image = Image.new("RGB", (legend_x + 290, max(y0 + heap.height + 8, y0 + lines * LINE + 8)), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((x0, 6), "Vana's kernel heap, %s: 25,600 blocks, one pixel each" % stage if capture["total"] == 25600
              else "Vana's kernel heap, %s: %d blocks, one pixel each" % (stage, capture["total"]), fill=INK, font=FONT)
    draw.rectangle((x0 - 1, y0 - 1, x0 + heap.width, y0 + heap.height), outline=INK)
    image.paste(heap, (x0, y0))
    y = y0
    for owner, words, blocks in owners:
        swatch(draw, legend_x, y, owner_colour(owner))
        draw.text((legend_x + 14, y), "%s: %d" % (words, blocks), fill=INK, font=FONT)
        y += LINE
    free = capture["free"]
    facts = ["used %d blocks, free %d" % (capture["used"], free),
             "largest free run: %d blocks" % capture["largest_free_run"],
             "fragmentation (1 - largest run / free): %.3f" % (1 - capture["largest_free_run"] / free if free else 0),
             "block 0 (0x%08x) at the top left," % capture["start"], "%d blocks to a row" % MAP_WIDTH]
    y += LINE // 2
    for fact in facts:
        draw.text((legend_x, y), fact, fill=INK, font=FONT)
        y += LINE
    return image


def grid(draw, x, y, cells, colour, pitch):
    """32 x 32 cells from (x, y), cell i at row i // 32, column i % 32; pitch pixels apart."""
    for i, cell in enumerate(cells):
        cx, cy = x + i % 32 * pitch, y + i // 32 * pitch
        draw.rectangle((cx, cy, cx + pitch - 2, cy + pitch - 2), fill=colour(cell))
    draw.rectangle((x - 1, y - 1, x + 32 * pitch - 1, y + 32 * pitch - 1), outline=INK)


def address_space_picture(space):
    regions = space["regions"]
    owned = [r for r in regions if r["kind"] == "owned table"]
    directory_pitch, table_pitch, columns = 8, 4, 4
    table_size = 32 * table_pitch
    x0, y0 = 8, 24
    tables_x = x0 + 32 * directory_pitch + 32
    table_rows = (len(owned) + columns - 1) // columns
    legend_y = y0 + max(32 * directory_pitch + 16, table_rows * (table_size + 2 * LINE)) + 8
    width = tables_x + columns * (table_size + 24)
    kinds = {}
    for start, end, _, kind in space["ranges"]:
        ranges, pages = kinds.get(kind, (0, 0))
        kinds[kind] = (ranges + 1, pages + (end - start) // 4096)
    image = Image.new("RGB", (width, legend_y + (len(ENTRY_COLOURS) + len(PAGE_COLOURS) + 4) * LINE + 8), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((x0, 6), "Address space of pid %d (%s): its page directory and the page tables it owns" %
              (space["pid"], space["name"]), fill=INK, font=FONT)

    grid(draw, x0, y0, [r["kind"] for r in regions], lambda kind: ENTRY_COLOURS[kind], directory_pitch)
    draw.text((x0, y0 + 32 * directory_pitch + 4), "directory: 1,024 entries of 4 MiB,", fill=INK, font=FONT)
    draw.text((x0, y0 + 32 * directory_pitch + 4 + LINE), "32 to a row, entry 0 at the top left", fill=INK, font=FONT)

    for n, region in enumerate(owned):
        x = tables_x + n % columns * (table_size + 24)
        y = y0 + n // columns * (table_size + 2 * LINE)
        start = region["index"] << 22
        draw.text((x, y - 2), "entry %d: 0x%08x" % (region["index"], start), fill=INK, font=FONT)
        grid(draw, x, y + LINE, region["pages"], lambda kind: PAGE_COLOURS.get(kind, OTHER_PAGE_COLOUR), table_pitch)
        # Mark the directory cell of each owned table with its place in the list.
        cx, cy = x0 + region["index"] % 32 * directory_pitch, y0 + region["index"] // 32 * directory_pitch
        draw.rectangle((cx, cy, cx + directory_pitch - 2, cy + directory_pitch - 2), outline=INK)

    y = legend_y
    draw.text((x0, y), "Directory entries:", fill=INK, font=FONT)
    y += LINE
    for kind, colour in ENTRY_COLOURS.items():
        count = sum(1 for r in regions if r["kind"] == kind)
        swatch(draw, x0, y, colour)
        draw.text((x0 + 14, y), "%s: %d" % (ENTRY_WORDS[kind], count), fill=INK, font=FONT)
        y += LINE
    y += LINE
    x = x0
    draw.text((x, y), "Pages of the owned tables (1,024 each, 4 KiB, 32 to a row):", fill=INK, font=FONT)
    y += LINE
    for kind, colour in PAGE_COLOURS.items():
        count = sum(1 for r in owned for page in r["pages"] if page == kind)
        ranges = " in %d range%s" % (kinds[kind][0], "s" * (kinds[kind][0] != 1)) if kind in kinds else ""
        words = {"kernel": "the kernel's identity map, supervisor-only"}.get(kind, kind)
        swatch(draw, x, y, colour)
        draw.text((x + 14, y), "%s: %d pages%s" % (words, count, ranges), fill=INK, font=FONT)
        y += LINE
    return image


def main():
    capture_dir, picture_dir = sys.argv[1], sys.argv[2]
    os.makedirs(picture_dir, exist_ok=True)
    for stage in STAGES:
        with open(os.path.join(capture_dir, "heap-%s.json" % stage)) as f:
            heap_picture(json.load(f), stage).save(os.path.join(picture_dir, "heap-%s.png" % stage), optimize=True)
    with open(os.path.join(capture_dir, "address-space.json")) as f:
        address_space_picture(json.load(f)).save(os.path.join(picture_dir, "address-space.png"), optimize=True)
    print("pictures: heap-%s.png and address-space.png in %s" % (", heap-".join(STAGES), picture_dir))


if __name__ == "__main__":
    main()
