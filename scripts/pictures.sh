#!/usr/bin/env bash
# make pictures: boot the fragmentation scenario (six fragment.elf, three
# short-lived and three long-lived: user/programs/fragment.c) halted under
# QEMU, let gdb capture the heap and one address space at four points
# (scripts/gdb/capture.py, with the commands of scripts/gdb/vana.py), and
# draw them with Pillow (scripts/pictures.py).
#
#   scripts/pictures.sh [CAPTURE_DIR [PICTURE_DIR]]
#
# The captures (JSON) go to CAPTURE_DIR (build/pictures), the PNG files to
# PICTURE_DIR (docs/pictures). Run after `make all`.
set -euo pipefail
cd "$(dirname "$0")/.."

capture_dir=${1:-build/pictures}
picture_dir=${2:-docs/pictures}
scenario="fragment.elf long,fragment.elf short,fragment.elf long,fragment.elf short,fragment.elf long,fragment.elf short"

mkdir -p "$capture_dir" "$picture_dir"
rm -f "$capture_dir"/*.json
VANA_CAPTURE_DIR=$PWD/$capture_dir scripts/gdb-session.sh pictures poweroff "$scenario" \
    -x scripts/gdb/capture.py >"$capture_dir/capture.out" 2>&1 || true
if ! grep -q '^capture: done$' "$capture_dir/capture.out"; then
    cat "$capture_dir/capture.out"
    echo "pictures: the capture did not finish (above: gdb's output; build/test-logs/pictures.log: the console)" >&2
    exit 1
fi
"$(scripts/python-with-pil.sh)" scripts/pictures.py "$capture_dir" "$picture_dir"
