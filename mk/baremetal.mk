# The bare-metal x86-64 platform: kernel ELF and bootable ISOs.
#   make image           $(BUILD)/baremetal/macrohard.elf, $(BUILD)/macrohard.iso,
#                        $(BUILD)/macrohard-test.iso (command line "ktest=all")
#   make run-qemu        boot the ISO; RUN_QEMU_ARGS="--uefi --smp 4 --test"
#   make test-baremetal  ktests under QEMU: SeaBIOS/OVMF x 1/4 CPUs, plus PVH;
#                        the test guests by vmctl; the VMX backend under Bochs
#   make test-bochs      only the VMX backend under Bochs (tests/scripts/bochs-vmx.sh)
# Works with CC=gcc and CC=clang (clang's default x86-64 target is fine for a
# freestanding, statically linked kernel; it links through the system ld).

BM_BUILD := $(BUILD)/baremetal
BM_ELF := $(BM_BUILD)/macrohard.elf
BM_ISO := $(BUILD)/macrohard.iso
BM_TEST_ISO := $(BUILD)/macrohard-test.iso
BM_LDSCRIPT := platform-baremetal/linker.ld
BM_CMDLINE ?=
BM_TEST_CMDLINE ?= ktest=all
# Extra sources linked into the kernel (e.g. a scratch kernel_main kept out
# of git while bringing up the platform). Empty normally.
BM_EXTRA_C ?=
# 1: link twice and embed the symbol table (tools/gensyms.sh); 0: one pass.
BM_TWO_PASS_LINK ?= 1

BM_PLAT_C := $(sort $(wildcard platform-baremetal/*.c))
BM_PLAT_S := $(sort $(wildcard platform-baremetal/*.S))
BM_SRCS := $(PORTABLE_C) $(PORTABLE_S) $(BM_PLAT_C) $(BM_PLAT_S) $(USER_IMAGES_C) $(BM_EXTRA_C)
BM_OBJS := $(patsubst %,$(BM_BUILD)/%.o,$(basename $(patsubst /%,abs/%,$(BM_SRCS))))

BM_CFLAGS := $(FREESTANDING) $(WARN) $(DEBUGFLAGS) -O2 -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector
BM_ASFLAGS := -nostdinc -Iinclude -fno-pic -fno-pie $(DEBUGFLAGS)
BM_LDFLAGS := -nostdlib -static -Wl,-T,$(BM_LDSCRIPT) -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--build-id=none -Wl,--no-warn-rwx-segments

.PHONY: test-baremetal
image: $(BM_ELF) $(BM_ISO) $(BM_TEST_ISO)

# Flags live here: rebuild when they change.
$(BM_OBJS): mk/baremetal.mk

$(BM_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BM_CFLAGS) -MMD -MP -c $< -o $@

$(BM_BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) $(BM_ASFLAGS) -MMD -MP -c $< -o $@

# Sources given by absolute path (BM_EXTRA_C) build under abs/.
$(BM_BUILD)/abs/%.o: /%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BM_CFLAGS) -MMD -MP -c $< -o $@

ifeq ($(BM_TWO_PASS_LINK),1)
# Two-pass link: the second pass embeds the symbol table panic() uses for
# backtraces; the table goes into .rodata, after .text, so no function moves
# (tools/gensyms.sh --verify checks).
$(BM_ELF): $(BM_OBJS) $(BM_LDSCRIPT) tools/gensyms.sh
	@echo "  LD      $@"
	$(Q)$(CC) $(BM_LDFLAGS) -o $@.pass1 $(BM_OBJS)
	$(Q)tools/gensyms.sh $@.pass1 > $@.syms.c
	$(Q)$(CC) $(BM_CFLAGS) -c $@.syms.c -o $@.syms.o
	$(Q)$(CC) $(BM_LDFLAGS) -o $@ $(BM_OBJS) $@.syms.o
	$(Q)tools/gensyms.sh --verify $@.pass1 $@
else
$(BM_ELF): $(BM_OBJS) $(BM_LDSCRIPT)
	@echo "  LD      $@"
	$(Q)$(CC) $(BM_LDFLAGS) -o $@ $(BM_OBJS)
endif

# With the Debian cloud kernel installed, the initramfs also carries the
# Linux guest (mk/user.mk).
BM_INITRAMFS := $(if $(LINUX_GUEST_KERNEL),$(INITRAMFS_LINUX),$(INITRAMFS))
$(BM_ISO): $(BM_ELF) tools/mkiso.sh $(BM_INITRAMFS)
	@echo "  ISO     $@"
	$(Q)tools/mkiso.sh $(BM_ELF) $@ "$(BM_CMDLINE)" $(BM_INITRAMFS)

$(BM_TEST_ISO): $(BM_ELF) tools/mkiso.sh
	@echo "  ISO     $@"
	$(Q)tools/mkiso.sh $(BM_ELF) $@ "$(BM_TEST_CMDLINE)"

RUN_QEMU_ARGS ?=
run-qemu: image
	$(Q)BUILD=$(BUILD) tools/run-qemu.sh $(RUN_QEMU_ARGS)

test-baremetal: image $(INITRAMFS)
	$(Q)BUILD=$(BUILD) tests/scripts/baremetal-ktest.sh
	@echo "== test guests run by vmctl from the shell (QEMU -cpu max: SVM)"
	$(Q)tests/scripts/vmctl-guests.sh qemu $(BM_ELF) $(BUILD)
	@echo "== the Debian cloud kernel booted by vmctl (QEMU -cpu max: SVM)"
	$(Q)tests/scripts/linux-guest.sh qemu $(BM_ELF) $(BUILD)
	@echo "== the VMX backend under Bochs (Skylake-X: VMX, EPT, unrestricted guest): ktests, Linux guest"
	$(Q)BUILD=$(BUILD) tests/scripts/bochs-vmx.sh

# Only the VMX backend under Bochs (about 90 s: part of test-baremetal).
.PHONY: test-bochs
test-bochs: $(BM_ELF) $(INITRAMFS)
	$(Q)BUILD=$(BUILD) tests/scripts/bochs-vmx.sh

# Only the Linux guest (SKIP without linux-image-cloud-amd64).
.PHONY: test-linux-guest
test-linux-guest: $(BM_ELF) $(INITRAMFS)
	$(Q)tests/scripts/linux-guest.sh qemu $(BM_ELF) $(BUILD)

-include $(shell find $(BM_BUILD) -name '*.d' 2>/dev/null)
