# User programs: the C library in user/lib, the example programs in
# user/programs, and the test programs in tests/user. Every program is a
# static ELF linked at 0x400000 (user/user.ld); a name ending in .bin is
# the same program as a flat binary.

USER_CFLAGS := $(CROSS_CFLAGS) -Iuser/lib -Isrc
USER_LIB_C := $(wildcard user/lib/*.c) src/lib/string.c src/lib/format.c src/memory/memory.c
USER_LIB_OBJ := $(USER_LIB_C:%.c=build/user-obj/%.o) build/user-obj/user/lib/crt0.asm.o
USER_LIB := build/user-obj/libvana.a

DEMO_PROGRAMS := vsh.elf hello.elf memdemo.elf memstat.elf holes.elf
USER_PROGRAM_SOURCES := $(wildcard user/programs/*.c) $(wildcard tests/user/*.c) $(wildcard bench/guest/*.c)
USER_PROGRAMS := $(foreach s,$(USER_PROGRAM_SOURCES),build/user/$(basename $(notdir $(s))).elf) \
	build/user/flat.bin

# make run: the shell, vsh, with the demonstration programs for its `run`
# (each module's string is only its name: vsh gives the arguments).
DEMO_INITRD := vsh.elf,hello.elf,memdemo.elf,memstat.elf,holes.elf
RUN_CMDLINE := init=vsh.elf

user: $(USER_PROGRAMS)

build/user-obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(USER_CFLAGS) -c $< -o $@

build/user-obj/user/lib/crt0.asm.o: user/lib/crt0.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf32 $< -o $@

$(USER_LIB): $(USER_LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

# One link rule per folder of programs: a program is one source file.
define user_program_rule
build/user/%.elf: build/user-obj/$(1)/%.o $$(USER_LIB) user/user.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$$(LD) -m elf_i386 -nostdlib --strip-debug -T user/user.ld -o $$@ build/user-obj/user/lib/crt0.asm.o $$< $$(USER_LIB) $$(RUNTIME_LIB)
endef
$(foreach folder,user/programs tests/user bench/guest,$(eval $(call user_program_rule,$(folder))))

# A flat binary starts executing at its first byte, which crt0's _start is (user.ld puts it first).
build/user/flat.bin: build/user/hello.elf
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@
