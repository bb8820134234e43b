#!/usr/bin/env bash
# Print the path of a python3 that can import Pillow (Debian's python3-pil,
# which scripts/install-deps.sh installs for the system's /usr/bin/python3):
# the python3 on PATH may be another one, without it.
for python in python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null && "$python" -c 'import PIL' 2>/dev/null; then
        command -v "$python"
        exit 0
    fi
done
echo "no python3 with Pillow: install python3-pil (make deps)" >&2
exit 1
