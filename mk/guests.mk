# Test guests (tests/guests/): small multiboot kernels that check the
# hypervisor from inside a VM, built freestanding for 32-bit x86 and
# embedded into the kernels as C arrays (include/hv/guest_images.h) for the
# hv_guest_* ktests.
GUEST_PROGS := io mmio cpuid msr apic_timer irq nmi virtio_blk smp
GUEST_DIR := $(BUILD)/guests
GUEST_ELFS := $(patsubst %,$(GUEST_DIR)/%.elf,$(GUEST_PROGS))
# linux64: a 64-bit guest in a bzImage, booted through the Linux boot protocol.
GUEST_BZIMAGES := $(GUEST_DIR)/linux64.bzImage
GUEST_IMAGES := $(GUEST_ELFS) $(GUEST_BZIMAGES)
GUEST_LIB_SRCS := tests/guests/lib/crt0.S tests/guests/lib/isr.S tests/guests/lib/lib.c tests/guests/lib/idt.c
GUEST_CFLAGS := -m32 -std=gnu11 -ffreestanding -nostdlib -fno-pic -fno-pie -static -O2 \
	-Wall -Wextra -Werror -Wno-unused-parameter -fno-stack-protector -mgeneral-regs-only -mno-red-zone \
	-fno-asynchronous-unwind-tables -Itests/guests/lib -Wl,-T,tests/guests/guest.ld -Wl,--build-id=none \
	-Wa,--noexecstack -Wl,--no-warn-rwx-segments
GUEST_IMAGES_C := $(BUILD)/gen/guest_images.c

# Guests with an assembly part of their own.
GUEST_EXTRA_smp := tests/guests/smp_tramp.S

.SECONDEXPANSION:
$(GUEST_DIR)/%.elf: tests/guests/%.c $$(GUEST_EXTRA_$$*) $(GUEST_LIB_SRCS) tests/guests/lib/guest.h tests/guests/guest.ld mk/guests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_EXTRA_$*) $(GUEST_LIB_SRCS)

GUEST64_CFLAGS := -m64 -std=gnu11 -ffreestanding -nostdlib -fno-pic -fno-pie -static -O2 -mcmodel=small \
	-Wall -Wextra -Werror -Wno-unused-parameter -fno-stack-protector -mgeneral-regs-only -mno-red-zone \
	-fno-asynchronous-unwind-tables -Itests/guests/lib -Wl,--build-id=none -Wa,--noexecstack \
	-Wl,--no-warn-rwx-segments
LINUX64_SRCS := tests/guests/linux64/entry.S tests/guests/linux64/main.c tests/guests/lib/lib.c

$(GUEST_DIR)/linux64.payload.elf: $(LINUX64_SRCS) tests/guests/lib/guest.h tests/guests/linux64/payload.ld mk/guests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST64_CFLAGS) -Wl,-T,tests/guests/linux64/payload.ld -o $@ $(LINUX64_SRCS)

$(GUEST_DIR)/linux64.payload.bin: $(GUEST_DIR)/linux64.payload.elf
	$(Q)objcopy -O binary $< $@

$(GUEST_DIR)/linux64.bzImage: tests/guests/linux64/image.S $(GUEST_DIR)/linux64.payload.bin
	@echo "  BZIMAGE $@"
	$(Q)$(CC) -c -DPAYLOAD='"$(GUEST_DIR)/linux64.payload.bin"' -o $@.o $<
	$(Q)objcopy -O binary -j .data $@.o $@

$(GUEST_IMAGES_C): $(GUEST_IMAGES) tools/bin2c.sh mk/guests.mk
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/bin2c.sh $(foreach g,$(GUEST_IMAGES),$(notdir $(basename $(g)))=$(g)) | \
		sed -e 's|<kern/user_images.h>|<hv/guest_images.h>|' -e 's/user_image/guest_image/g' > $@.tmp && mv $@.tmp $@

$(HOSTED_LIB): $(BUILD_HOSTED)/$(GUEST_IMAGES_C:.c=.o)

.PHONY: guests
guests: $(GUEST_IMAGES)

# The bare-metal kernel embeds them too (its link recipe expands BM_OBJS
# when it runs, so appending here is enough).
ifdef BM_BUILD
BM_OBJS += $(BM_BUILD)/$(GUEST_IMAGES_C:.c=.o)
$(BM_ELF): $(BM_BUILD)/$(GUEST_IMAGES_C:.c=.o)
endif

# The images also go into the initramfs (/usr/lib/macrohard/guests/), so
# `vmctl run --multiboot --kernel /usr/lib/macrohard/guests/io.elf` works
# from the shell.
INITRAMFS_GUESTS := $(patsubst $(GUEST_DIR)/%,$(USERLAND_ROOT)/usr/lib/macrohard/guests/%,$(GUEST_IMAGES))
$(USERLAND_ROOT)/usr/lib/macrohard/guests/%: $(GUEST_DIR)/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
$(INITRAMFS): $(INITRAMFS_GUESTS)
