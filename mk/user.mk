# User programs for the kernel's self tests, built with musl (static) and
# embedded into both kernels as C arrays.
USER_CC ?= musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror
USER_PROGS := hello memory segv procs pipe_poll tty_termios tty_sigint bigio_signal fs_files fs_perms fs_proc threads mmstress execchain sigstack faultstorm badargs
USER_BINS := $(patsubst %,$(BUILD)/user/%,$(USER_PROGS)) $(BUILD)/user/hello_pie
# /dev/hv: its ioctl test and vmctl (both include kern/abi/hv.h).
USER_BINS += $(BUILD)/user/hvctl $(BUILD)/user/vmctl
USER_IMAGES_C := $(BUILD)/gen/user_images.c

$(BUILD)/user/%: tests/user/%.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/user/hello_pie: tests/user/hello.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -static-pie -fPIE -Wl,--no-dynamic-linker -o $@ $<

$(BUILD)/user/hvctl: tests/user/hvctl.c include/kern/abi/hv.h
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -Iinclude -o $@ $<

VMCTL_SRCS := $(sort $(wildcard userland/vmctl/*.c))
$(BUILD)/user/vmctl: $(VMCTL_SRCS) include/kern/abi/hv.h
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -Iinclude -o $@ $(VMCTL_SRCS)

$(USER_IMAGES_C): $(USER_BINS) tools/bin2c.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/bin2c.sh $(foreach b,$(USER_BINS),$(notdir $(b))=$(b)) > $@

# The initramfs: busybox-static, the init script and our programs (userland/).
INITRAMFS := $(BUILD)/initramfs.cpio
USERLAND_ROOT := $(BUILD)/userland-root
$(USERLAND_ROOT)/usr/bin/vmctl: $(BUILD)/user/vmctl
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
$(INITRAMFS): tools/mkinitramfs.sh userland/init userland/motd $(USERLAND_ROOT)/usr/bin/vmctl
	@mkdir -p $(dir $@)
	@echo "  CPIO    $@"
	$(Q)tools/mkinitramfs.sh $@ $(USERLAND_ROOT)

# The Linux guest (tools/mk-linux-guest.sh): the Debian cloud kernel, a
# busybox initramfs and a disk under /boot, for `vmctl run --kernel
# /boot/vmlinuz ...` on bare metal. Only when linux-image-cloud-amd64 is
# installed (tools/deps.sh --bench); the ISO's initramfs then carries them.
LINUX_GUEST_KERNEL := $(lastword $(sort $(wildcard /boot/vmlinuz-*-cloud-amd64)))
LINUX_GUEST_FILES := $(BUILD)/linux-guest-files
INITRAMFS_LINUX := $(BUILD)/initramfs-linux.cpio
$(LINUX_GUEST_FILES)/root/boot/vmlinuz: tools/mk-linux-guest.sh tools/linux-guest/init \
		tools/linux-guest/hv-poweroff.c $(LINUX_GUEST_KERNEL)
	@echo "  GUEST   $(LINUX_GUEST_FILES)"
	$(Q)tools/mk-linux-guest.sh $(LINUX_GUEST_FILES)
$(INITRAMFS_LINUX): $(INITRAMFS) $(LINUX_GUEST_FILES)/root/boot/vmlinuz
	@echo "  CPIO    $@"
	$(Q)tools/mkinitramfs.sh $@ $(USERLAND_ROOT) $(LINUX_GUEST_FILES)/root

# Benchmark programs (make bench).
BENCH_PROGS := nullsys forkexec pipebw
BENCH_BINS := $(patsubst %,$(BUILD)/bench-bin/%,$(BENCH_PROGS))
$(BUILD)/bench-bin/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

.PHONY: bench
bench: $(HOSTED_BIN) $(BENCH_BINS)
	$(Q)tools/deps.sh --quiet --bench
	$(Q)$(MAKE) --no-print-directory image
	$(Q)tools/bench.sh $(BUILD) $(HOSTED_BIN) $(BUILD)/baremetal/macrohard.elf

# badargs: its syscall table is generated from include/kern/syscalls.def,
# and its expectation is Linux's answer: the same program run natively on
# the build host (the oracle) before the build that compares against it.
USER_GEN := $(BUILD)/gen/user
$(USER_GEN)/user_syscalls.h: include/kern/syscalls.def tools/gen-syscall-table.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/gen-syscall-table.sh $< > $@.tmp && mv $@.tmp $@

$(BUILD)/user-oracle/badargs: tests/user/badargs.c $(USER_GEN)/user_syscalls.h
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -I$(USER_GEN) -o $@ $<

$(USER_GEN)/badargs_expected.h: $(BUILD)/user-oracle/badargs
	@echo "  ORACLE  $@ (badargs run natively on this Linux)"
	$(Q)$< > $@.txt
	$(Q){ echo "static const char *const expected[] = {"; \
	      grep ' -> ' $@.txt | sed 's/.*/"&",/'; echo "};"; } > $@.tmp && mv $@.tmp $@

$(BUILD)/user/badargs: tests/user/badargs.c $(USER_GEN)/user_syscalls.h $(USER_GEN)/badargs_expected.h
	@mkdir -p $(dir $@)
	@echo "  USERCC  $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) -I$(USER_GEN) -DBADARGS_EXPECTED -o $@ $<
