# Cairn: one entry point.
#   make            build kernel, components and host tests
#   make run        boot the default scenario (run/$(DEFAULT_RUN).run)
#   make run/NAME   boot run/NAME.run interactively
#   make iso/NAME   write build/NAME.iso, a bootable image of it (docs/booting.md)
#   make test       host unit tests + every scenario in run/suite
#   make bench      benchmarks, results to docs/benchmarks.md
.DEFAULT_GOAL := all
ARCH          ?= x86_64
DEFAULT_RUN := mixed
BUILD         ?= build
CC            ?= gcc
LD            ?= ld
OBJCOPY       ?= objcopy
PYTHON        ?= python3
# make test runs each libFuzzer target for this long (make fuzz: longer)
TEST_FUZZ_SECONDS ?= 10

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wundef -Wvla -Wwrite-strings -Wno-unused-parameter
COMMON_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pie -fno-stack-protector \
        -fno-common -fno-builtin -Iinclude $(WARN) -MMD -MP

# --- kernel ------------------------------------------------------------------
KERNEL_CFLAGS := $(COMMON_CFLAGS) -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
        -fno-asynchronous-unwind-tables -Ikernel/include -Ikernel/arch/$(ARCH)
KERNEL_SRC := $(wildcard kernel/core/*.c kernel/obj/*.c kernel/arch/$(ARCH)/*.c \
        kernel/arch/$(ARCH)/*.S)
KERNEL_OBJ := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRC))

$(BUILD)/kernel/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# The IPC path (kernel/core/ipc.c) starts on an empty kernel stack and
# never returns, so saving the callee-saved registers there is waste: in
# this file every register is the caller's to save. That is only right
# while no function called from outside it returns: the recipe checks the
# exported ones; the continuations it hands out are _Noreturn too.
IPC_FLAGS := $(foreach r,rbx r12 r13 r14 r15,-fcall-used-$(r))
$(BUILD)/kernel/core/ipc.c.o: kernel/core/ipc.c
	@mkdir -p $(dir $@)
	@if grep -E '^[a-z_][a-z_ ]*\**[a-z_]+\(' $< | grep -v -E '^static |^_Noreturn '; then \
		echo "$<: a function that returns, in a file compiled with $(IPC_FLAGS)"; exit 1; fi
	$(CC) $(KERNEL_CFLAGS) $(IPC_FLAGS) -c $< -o $@

$(BUILD)/cairn.elf: $(KERNEL_OBJ) kernel/arch/$(ARCH)/kernel.ld
	$(LD) -n -nostdlib -z max-page-size=0x1000 --no-warn-rwx-segments -T kernel/arch/$(ARCH)/kernel.ld \
		-o $@ $(KERNEL_OBJ)

# QEMU's -kernel and GRUB load this flat image through the multiboot
# headers' address fields (see kernel/arch/x86_64/start.S).
$(BUILD)/cairn: $(BUILD)/cairn.elf
	$(OBJCOPY) -O binary $< $@

# --- user land -----------------------------------------------------------------
USER_CFLAGS := $(COMMON_CFLAGS) -mno-red-zone -Ilib/include -fno-omit-frame-pointer
LIB_SRC := $(wildcard lib/*.c lib/*.S lib/init/*.c lib/gdb/*.c)
LIB_OBJ := $(patsubst %,$(BUILD)/%.o,$(LIB_SRC))

$(BUILD)/lib/%.c.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/lib/%.S.o: lib/%.S
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(BUILD)/libcairn.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# A program is a directory of C files under components/ or tests/ (in-guest
# test programs); it links to build/bin/<dir name>. Its main.c may name
# further sources in a line "// SOURCES: a.c b.c" (e.g. device models).
PROGRAM_DIRS := $(patsubst %/,%,$(dir $(wildcard components/*/main.c tests/*/main.c)))
PROGRAMS     := $(notdir $(PROGRAM_DIRS))

define program_rules
$(1)_SRC := $$(wildcard $(2)/*.c $(2)/*.S) $$(shell sed -n 's|^// SOURCES: ||p' $(2)/main.c)
$(1)_OBJ := $$(patsubst %,$(BUILD)/%.o,$$($(1)_SRC))
$(BUILD)/$(2)/%.c.o: $(2)/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(USER_CFLAGS) -I$(2) -c $$< -o $$@
$(BUILD)/$(2)/%.S.o: $(2)/%.S
	@mkdir -p $$(dir $$@)
	$$(CC) $$(USER_CFLAGS) -I$(2) -D__ASSEMBLY__ -c $$< -o $$@
$(BUILD)/bin/$(1): $$($(1)_OBJ) $(BUILD)/libcairn.a lib/user.ld
	@mkdir -p $$(dir $$@)
	$$(LD) -static -nostdlib -z max-page-size=0x1000 -T lib/user.ld -o $$@ \
		$$($(1)_OBJ) $(BUILD)/libcairn.a
endef
$(foreach d,$(PROGRAM_DIRS),$(eval $(call program_rules,$(notdir $(d)),$(d))))

# Sources shared by programs (named in their SOURCES lines)
$(BUILD)/components/%.c.o: components/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

PROGRAM_BINS := $(addprefix $(BUILD)/bin/,$(PROGRAMS))

# Small test guests: tests/guests/NAME.S -> flat binary build/bin/guest_NAME
GUEST_BINS := $(patsubst tests/guests/%.S,$(BUILD)/bin/guest_%,$(wildcard tests/guests/*.S))
$(BUILD)/bin/guest_%: tests/guests/%.S
	@mkdir -p $(BUILD)/guests $(dir $@)
	$(CC) -c -o $(BUILD)/guests/$*.o $<
	$(OBJCOPY) -O binary -j .text $(BUILD)/guests/$*.o $@

# The fuzzing guest: 32-bit C and assembly in tests/guests/fuzz/, linked
# flat at 1 MiB (a multiboot kernel) -> build/bin/guest_fuzz
GUEST_FUZZ_SRC := $(wildcard tests/guests/fuzz/*.c tests/guests/fuzz/*.S)
GUEST_FUZZ_OBJ := $(patsubst %,$(BUILD)/%.o,$(GUEST_FUZZ_SRC))
GUEST_CFLAGS := -m32 -std=gnu11 -O2 -g -ffreestanding -fno-pie -fno-stack-protector -fno-common \
        -fno-builtin -mno-sse -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables $(WARN) -MMD -MP
$(BUILD)/tests/guests/fuzz/%.o: tests/guests/fuzz/%
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(BUILD)/bin/guest_fuzz: $(GUEST_FUZZ_OBJ) tests/guests/fuzz/fuzz.ld
	@mkdir -p $(dir $@)
	$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -T tests/guests/fuzz/fuzz.ld -o $(BUILD)/guests/fuzz.elf $(GUEST_FUZZ_OBJ)
	$(OBJCOPY) -O binary $(BUILD)/guests/fuzz.elf $@
GUEST_BINS += $(BUILD)/bin/guest_fuzz

# --- host unit tests (cmocka) ---------------------------------------------------
HOST_CC     ?= gcc
# -MD, not -MMD: lib/include is searched as a system directory (-idirafter,
# so that its string.h does not hide the C library's), and -MMD would leave
# its headers (cairn/xml.h, cairn/init/config.h, ...) out of the dependencies.
HOST_CFLAGS := -std=gnu11 -O1 -g -Iinclude -iquote kernel/include -idirafter lib/include -Itests/host \
        -DCAIRN_HOST_TEST \
        -Wall -Wextra -Werror -Wno-unused-parameter -fsanitize=address,undefined -MD -MP
HOST_TESTS  := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))
TOOL_TESTS  := $(wildcard tools/test_*.py)

# Each host test lists the sources it tests in a line "// SOURCES: a.c b.c".
host_sources = $(shell sed -n 's|^// SOURCES: ||p' $(1))
.SECONDEXPANSION:
$(BUILD)/host/%: tests/host/%.c $$(call host_sources,tests/host/$$*.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(call host_sources,$<) -lcmocka
# A host test's dependency file names the sources it was built from; these
# moved into the init library (lib/init/), so a build from before the move
# finds them gone: not an error, the test is built again from its new list.
components/init/config.c components/init/config.h components/init/route.c components/init/route.h:

# The Linux guest: Debian's kernel, an initramfs of Debian's busybox-static
# with guests/linux/init, and a disk image (tools/linux-guest.sh fetches the
# packages once into $(BUILD)/linux/debs).
LINUX_GUEST := $(BUILD)/linux/expect $(BUILD)/linux-rt/expect
$(BUILD)/linux/expect: tools/linux-guest.sh tools/mkcpio.py guests/linux/init guests/linux/irqoff.c
	sh tools/linux-guest.sh $(BUILD)/linux
# the real-time guest: the PREEMPT_RT kernel, with cyclictest in its initramfs
$(BUILD)/linux-rt/expect: tools/linux-guest.sh tools/mkcpio.py guests/linux/init guests/linux/irqoff.c
	sh tools/linux-guest.sh $(BUILD)/linux-rt rt-amd64

# --- top-level targets -------------------------------------------------------------
.PHONY: all setup run test bench host-tests clean fuzz
all: $(BUILD)/cairn $(PROGRAM_BINS) $(GUEST_BINS) $(HOST_TESTS) $(LINUX_GUEST)

setup:
	@sh tools/setup.sh

run: run/$(DEFAULT_RUN)

run/%: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/run.py --build $(BUILD) boot run/$*.run

# A bootable GRUB image of a scenario, for a CD or a USB stick (docs/booting.md).
iso/%: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/run.py --build $(BUILD) iso run/$*.run

test: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/run.py --build $(BUILD) test --suite run/suite --fuzz $(TEST_FUZZ_SECONDS) \
		--host $(HOST_TESTS) $(TOOL_TESTS)

bench: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/bench.py --build $(BUILD)

# libFuzzer targets in tests/fuzz/, for FUZZ_SECONDS (default 60) in all.
fuzz: setup
	@BUILD=$(BUILD) sh tools/fuzz.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
