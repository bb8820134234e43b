#!/usr/bin/env bash
# Install the Debian packages Vana needs, if any is missing. Runs as root
# (apt-get) or through sudo; does nothing when everything is there.
set -euo pipefail

packages=(clang lld llvm nasm qemu-system-x86 libcmocka-dev make gdb python3
          frama-c-base why3 z3 cvc4 ocaml
          grub-pc-bin grub-common xorriso mtools clang-format python3-pil)
commands=(clang ld.lld llvm-objcopy nasm qemu-system-i386 "" make gdb python3
          frama-c why3 z3 cvc4 ocamlopt
          "" grub-mkrescue xorriso mformat clang-format "")

missing=()
for i in "${!packages[@]}"; do
    if [ -n "${commands[$i]}" ]; then
        command -v "${commands[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
    else
        dpkg -s "${packages[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
    fi
done
# The compiler runtime for i386 (64-bit division) and for the sanitizers and libFuzzer.
for runtime in builtins-i386 fuzzer-x86_64 asan-x86_64; do
    if ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.$runtime.a" >/dev/null; then
        missing+=(libclang-rt-dev)
        break
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
