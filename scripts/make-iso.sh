#!/usr/bin/env bash
# make-iso.sh ISO KERNEL CMDLINE MODULES: build a GRUB (BIOS) boot image
# with grub-mkrescue that boots KERNEL with CMDLINE and loads MODULES,
# given as QEMU's -initrd takes them: "hello.elf a b,memdemo.elf 1 8", the
# files found in build/user. Each module's string is its command line
# exactly as under -initrd: GRUB passes the text after a module's path as
# its string, so the program's name is written again as its first word.
# Run from the repository root; needs grub-mkrescue, grub-pc-bin, xorriso.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 4 ]; then
    echo "usage: $0 ISO KERNEL CMDLINE MODULES" >&2
    exit 2
fi
iso=$1 kernel=$2 cmdline=$3 modules=$4
for tool in grub-mkrescue xorriso; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing (make deps)" >&2; exit 1; }
done
[ -d /usr/lib/grub/i386-pc ] || { echo "$0: GRUB's BIOS files are missing (grub-pc-bin; make deps)" >&2; exit 1; }

# GRUB writes \ ' and " into a command line or module string with a
# backslash before each, so such text would not arrive as it was given.
if [[ $cmdline$modules == *[\\\'\"]* ]]; then
    echo "$0: GRUB would add backslashes to \\, ' and \" in command lines; use none" >&2
    exit 1
fi

# The image's tree, next to the image: build/vana.iso.d/boot/...
tree=$iso.d
rm -rf "$tree"
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/vana.elf"

# A word of GRUB's script taken literally: as it is when it is plain, else single-quoted.
grub_quote() {
    if [[ $1 =~ ^[A-Za-z0-9._/=:+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "$1"; fi
}
grub_words() { # the words of $1, each quoted
    local word out=()
    read -r -a words <<<"$1"
    for word in "${words[@]}"; do out+=("$(grub_quote "$word")"); done
    echo "${out[*]}"
}

{
    echo "# Written by scripts/make-iso.sh: boot at once, no menu."
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry 'Vana' {"
    echo "    multiboot /boot/vana.elf $(grub_words "$cmdline")"
    if [ -n "$modules" ]; then
        IFS=, read -r -a entries <<<"$modules"
        for entry in "${entries[@]}"; do
            read -r name _ <<<"$entry"
            [ -f "build/user/$name" ] || { echo "$0: build/user/$name does not exist (make)" >&2; exit 1; }
            cp "build/user/$name" "$tree/boot/$name"
            echo "    module $(grub_quote "/boot/$name") $(grub_words "$entry")"
        done
    fi
    echo "    boot"
    echo "}"
} >"$tree/boot/grub/grub.cfg"

# Only the BIOS platform (i386-pc), even where GRUB's EFI files are installed too.
grub-mkrescue --directory=/usr/lib/grub/i386-pc -o "$iso" "$tree" >"$iso.log" 2>&1 || { cat "$iso.log" >&2; exit 1; }
echo "  ISO     $iso"
