# The hosted platform: the kernel as a Linux process.
HOSTED_PLAT_C := $(sort $(wildcard platform-hosted/*.c sim/*.c))
HOSTED_STUB := $(BUILD_HOSTED)/macrohard-stub
# Linked far above the user range the platform hands out (plat_user_va_limit).
HOSTED_STUB_BASE := 0x7f8000000000
HOSTED_PORTABLE_OBJS := $(patsubst %.c,$(BUILD_HOSTED)/%.o,$(filter-out $(LIBC_PROVIDED),$(PORTABLE_C))) \
	$(patsubst %.S,$(BUILD_HOSTED)/%.o,$(PORTABLE_S)) $(BUILD_HOSTED)/$(USER_IMAGES_C:.c=.o)
HOSTED_PLAT_OBJS := $(patsubst %.c,$(BUILD_HOSTED)/%.o,$(HOSTED_PLAT_C)) $(BUILD_HOSTED)/platform-hosted/stub_image.o
HOSTED_MAIN_OBJ := $(BUILD_HOSTED)/platform-hosted/main/main.o
HOSTED_LIB := $(BUILD_HOSTED)/libmacrohard.a
HOSTED_BIN := $(BUILD_HOSTED)/macrohard

hosted: $(HOSTED_BIN)

$(BUILD_HOSTED)/core/%.o $(BUILD_HOSTED)/drivers/%.o $(BUILD_HOSTED)/hv/%.o $(BUILD_HOSTED)/arch/%.o: CFLAGS_SEL = portable
$(BUILD_HOSTED)/$(BUILD)/%.o: CFLAGS_SEL = portable
# HOSTED_NOCMP: source directories and files compiled without compare and
# indirect-call tracing (the fuzzers' kernels, mk/fuzz.mk). HOSTED_OBJ_DEPS:
# files the flags name (the fuzzers' coverage lists).
HOSTED_NOCMP_FLAGS := -fno-sanitize-coverage=trace-cmp,indirect-calls
$(foreach d,$(filter-out %.c,$(HOSTED_NOCMP)),$(eval $(BUILD_HOSTED)/$(d)/%.o: HOSTED_OBJ_CFLAGS := $(HOSTED_NOCMP_FLAGS)))
$(foreach f,$(filter %.c,$(HOSTED_NOCMP)),$(eval $(BUILD_HOSTED)/$(f:.c=.o): HOSTED_OBJ_CFLAGS := $(HOSTED_NOCMP_FLAGS)))
$(BUILD_HOSTED)/%.o: %.c $(HOSTED_OBJ_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(if $(filter portable,$(CFLAGS_SEL)),$(HOSTED_PORTABLE_CFLAGS),$(HOSTED_CFLAGS)) $(HOSTED_OBJ_CFLAGS) \
		-MMD -MP -c $< -o $@

$(BUILD_HOSTED)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) -Iinclude -MMD -MP -c $< -o $@

$(HOSTED_STUB): platform-hosted/stub/stub.S
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(CC) -nostdlib -static -no-pie -Wl,-Ttext=$(HOSTED_STUB_BASE) -Wl,--build-id=none -o $@ $<

$(BUILD_HOSTED)/platform-hosted/stub_image.o: platform-hosted/stub_image.S $(HOSTED_STUB)
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) -c -DSTUB_PATH='"$(HOSTED_STUB)"' $< -o $@

$(HOSTED_LIB): $(HOSTED_PORTABLE_OBJS) $(HOSTED_PLAT_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# Two-pass link: the second pass embeds the symbol table panic() uses for
# backtraces; tools/gensyms.sh checks the code did not move between passes.
$(HOSTED_BIN): $(HOSTED_MAIN_OBJ) $(HOSTED_LIB) tools/gensyms.sh
	@echo "  LD      $@"
	$(Q)$(CC) $(HOSTED_LDFLAGS) -o $@.pass1 $(HOSTED_MAIN_OBJ) -Wl,--whole-archive $(HOSTED_LIB) -Wl,--no-whole-archive
	$(Q)tools/gensyms.sh $@.pass1 > $@.syms.c
	@# No sanitizer instrumentation: it would add code and move functions.
	$(Q)$(CC) $(FREESTANDING) -O2 -c $@.syms.c -o $@.syms.o
	$(Q)$(CC) $(HOSTED_LDFLAGS) -o $@ $(HOSTED_MAIN_OBJ) -Wl,--whole-archive $(HOSTED_LIB) -Wl,--no-whole-archive $@.syms.o
	$(Q)tools/gensyms.sh --verify $@.pass1 $@

-include $(shell find $(BUILD_HOSTED) -name '*.d' 2>/dev/null)

HOSTED_ARGS ?= --cpus 2 --mem 256M
run:
	$(Q)tools/deps.sh --quiet
	$(Q)$(MAKE) --no-print-directory hosted $(INITRAMFS)
	$(Q)$(HOSTED_BIN) $(HOSTED_ARGS) --initrd $(INITRAMFS) $(CMDLINE)
