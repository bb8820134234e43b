# Vana: build the kernel (build/vana.elf) and the user programs, boot them
# under QEMU, and run every test. `make help` lists the targets.

CC := clang
LD := ld.lld
NASM := nasm
QEMU := qemu-system-i386
OBJCOPY := llvm-objcopy
AR := llvm-ar

# The kernel and user programs are freestanding i386 code. No SSE/x87:
# the kernel does not save FPU state across task switches, so it turns the
# FPU off (CR0.EM) and neither side may use it.
CROSS_CFLAGS := --target=i686-unknown-none-elf -std=c11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-pic -fno-stack-protector -fno-omit-frame-pointer \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -MMD -MP
# A kernel stack has one guard page below it (src/task/kernel_stack.c): a
# frame larger than a page could step over it, so frames stay far smaller.
KERNEL_CFLAGS := $(CROSS_CFLAGS) -Isrc -I. -Wframe-larger-than=1024
RUNTIME_LIB := $(shell $(CC) --target=i686-linux-gnu -rtlib=compiler-rt -print-libgcc-file-name)

KERNEL_C := $(shell find src -name '*.c') $(wildcard tests/kernel/*.c) $(wildcard bench/kernel/*.c)
KERNEL_ASM := src/boot/boot.asm $(filter-out src/boot/boot.asm,$(shell find src -name '*.asm'))
# make DEBUG=1: a second kernel, build/vana-debug.elf, whose heap scrubs
# freed blocks, catches writes after free and checks itself on every call
# (src/memory/heap/kheap.c). make test boots it once.
ifeq ($(DEBUG),1)
KERNEL_BUILD := build/kernel-debug
KERNEL := build/vana-debug.elf
KERNEL_CFLAGS += -DVANA_DEBUG_HEAP
else
KERNEL_BUILD := build/kernel
KERNEL := build/vana.elf
endif
KERNEL_OBJ := $(KERNEL_C:%.c=$(KERNEL_BUILD)/%.o) $(KERNEL_ASM:%.asm=$(KERNEL_BUILD)/%.asm.o)

QEMU_FLAGS := -m 128 -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all kernel user run debug test prove deps clean help
# Keep the object files of pattern chains: they are what makes rebuilds incremental.
.SECONDARY:
all: kernel user

help:
	@echo "make run     boot Vana with the demonstration programs (quit QEMU with Ctrl-A X)"
	@echo "make run-vga the same on the VGA screen and PS/2 keyboard, drawn in the terminal (exit powers off)"
	@echo "make test    run every test: hosted, fuzz (short), in-kernel, user programs"
	@echo "make debug   boot halted, with gdb attached to QEMU's gdb stub and Vana's commands (vana-heap, vana-ps, vana-pt)"
	@echo "make pictures  capture a fragmenting scenario through gdb and draw docs/pictures/*.png"
	@echo "make prove   prove the annotated C with Frama-C WP (docs/proofs.md)"
	@echo "make fuzz    run the fuzzers for FUZZ_SECONDS (default 60)"
	@echo "make soak    churn and fuzzing boots for MINUTES (default 10), with a report"
	@echo "make bench   wall-clock benchmarks against the seed, glibc and one system call per malloc; in-guest cycles"
	@echo "make iso     a GRUB image, build/vana.iso, with the kernel and the demonstration programs"
	@echo "make run-iso boot build/vana.iso from a CD-ROM through GRUB"
	@echo "make compile_commands.json   every kernel, user and hosted compile, for clangd and other tools"
	@echo "make format-check            the files listed in scripts/check-format.sh still match .clang-format"
	@echo "make doc-check               every public function in src/ has a kernel-doc comment that parses"

deps:
	@scripts/install-deps.sh

kernel: $(KERNEL)

$(KERNEL): $(KERNEL_OBJ) src/boot/linker.ld
	@echo "  LD      $@"
	@$(LD) -m elf_i386 -nostdlib -T src/boot/linker.ld -o $@ $(KERNEL_OBJ) $(RUNTIME_LIB)

$(KERNEL_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_BUILD)/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf32 -g -F dwarf $< -o $@

include user/user.mk
-include tests/hosted/hosted.mk

DEMO_MODULES := $(DEMO_PROGRAMS:%=build/user/%)

run: deps all
	@echo "Booting Vana; quit with Ctrl-A X."
	cd build/user && $(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel ../$(notdir $(KERNEL)) -append "$(RUN_CMDLINE)" \
		-initrd "$(DEMO_INITRD)"

# The same, on the VGA text screen with the PS/2 keyboard: QEMU's curses
# display draws the screen in the terminal and types what you type on the
# emulated keyboard. The serial console goes to build/run-vga-serial.log;
# `exit` in the shell powers the machine off.
.PHONY: run-vga
run-vga: deps all
	cd build/user && $(QEMU) $(subst -display none,-display curses,$(QEMU_FLAGS)) \
		-serial file:../run-vga-serial.log -kernel ../$(notdir $(KERNEL)) -append "$(RUN_CMDLINE) poweroff" \
		-initrd "$(DEMO_INITRD)" || true

# A GRUB image (grub-mkrescue): the kernel, and the demonstration programs
# as multiboot modules with the same strings as -initrd gives them.
ISO := $(KERNEL:.elf=.iso)
.PHONY: iso run-iso
# Rebuilt every time (half a second), so a changed RUN_CMDLINE or DEMO_INITRD is never missed.
iso: deps $(KERNEL) $(DEMO_MODULES)
	@scripts/make-iso.sh $(ISO) $(KERNEL) "$(RUN_CMDLINE)" "$(DEMO_INITRD)"

run-iso: iso
	@echo "Booting Vana through GRUB; quit with Ctrl-A X."
	cd build && $(QEMU) $(QEMU_FLAGS) -serial mon:stdio -cdrom $(notdir $(ISO))

debug: deps all
	@echo "QEMU waits for gdb on :1234 (serial output: build/debug-serial.log)."
	(cd build/user && exec $(QEMU) $(QEMU_FLAGS) -serial file:../debug-serial.log -s -S \
		-kernel ../$(notdir $(KERNEL)) -initrd "$(DEMO_INITRD)") & \
	gdb -q -x scripts/vana.gdb; kill $$! 2>/dev/null || true

# The heap before, during and after a fragmenting scenario, and one address
# space, captured through gdb and drawn with Pillow (docs/pictures/README.md).
.PHONY: pictures
pictures: deps all
	@scripts/pictures.sh build/pictures docs/pictures

test: deps all
	@$(MAKE) -s DEBUG=1 kernel
	@tests/run.sh

# Machine-checked proofs of the annotated C (docs/proofs.md); no kernel build needed.
prove: deps
	@scripts/prove.sh

# Churn and system-call fuzzing boots until MINUTES are up; not part of `make test`.
.PHONY: soak
MINUTES ?= 10
soak: deps all
	@MINUTES=$(MINUTES) tests/soak.sh

# For editors: build/compile_commands.json (clangd finds it there) lists
# every kernel, user, hosted and fuzz compile with its real flags.
.PHONY: compile_commands.json format-check doc-check
compile_commands.json: deps
	@scripts/compile-commands.sh

format-check: deps
	@scripts/check-format.sh

# kernel-doc comments (scripts/check-kernel-doc.py); make test runs it too.
doc-check:
	@scripts/check-kernel-doc.py

clean:
	rm -rf build

-include $(shell find build -name '*.d' -type f 2>/dev/null)
