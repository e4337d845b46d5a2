# make test: everything CI checks. Each piece is also a target of its own.
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS := $(patsubst %.c,$(BUILD_HOSTED)/%.o,$(UNIT_SRCS))
UNIT_BIN := $(BUILD_HOSTED)/tests/unit-tests
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

$(BUILD_HOSTED)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOSTED_CFLAGS) $(CHECK_CFLAGS) -Wno-missing-prototypes -MMD -MP -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(HOSTED_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(HOSTED_LDFLAGS) -o $@ $(UNIT_OBJS) -Wl,--whole-archive $(HOSTED_LIB) -Wl,--no-whole-archive $(CHECK_LIBS)

.PHONY: test-shell test-shell-qemu test-valgrind test-deps test-unit test-hosted test-determinism test-monitor test-freestanding test-san

test-deps:
	$(Q)tools/deps.sh --quiet

test-unit: $(UNIT_BIN)
	@echo "== Check unit tests (allocators, scheduler, locks)"
	$(Q)CK_DEFAULT_TIMEOUT=120 $(UNIT_BIN)

test-hosted: $(HOSTED_BIN) $(INITRAMFS)
	@echo "== hosted kernel ktests"
	$(Q)tests/scripts/hosted-ktest.sh $(HOSTED_BIN)
	@echo "== test guests run by vmctl from the shell (KVM backend)"
	$(Q)tests/scripts/vmctl-guests.sh hosted $(HOSTED_BIN) $(BUILD)

test-determinism: $(HOSTED_BIN)
	@echo "== virtual-time determinism"
	$(Q)tests/scripts/determinism.sh $(HOSTED_BIN)

# 62 busybox scripts, compared with the same busybox on the host Linux.
test-shell: $(HOSTED_BIN)
	@echo "== shell scripts: busybox on MACROHARD vs busybox on Linux"
	$(Q)tests/scripts/shell-suite.sh hosted $(HOSTED_BIN) $(BUILD_HOSTED)

test-shell-qemu: $(BM_ELF)
	@echo "== shell scripts: busybox on MACROHARD in QEMU vs busybox on Linux"
	$(Q)tests/scripts/shell-suite.sh qemu $(BM_ELF) $(BUILD)/baremetal

test-monitor: $(HOSTED_BIN)
	@echo "== kernel monitor"
	$(Q)tests/scripts/monitor.sh $(HOSTED_BIN)

# Portable code must build without any libc: compile it exactly as the
# bare-metal build does, and prove the flags reject a libc include.
FREESTANDING_CHECK_FLAGS := $(FREESTANDING) $(WARN) -O2 -mno-red-zone -mgeneral-regs-only -fno-pic -fno-stack-protector
test-freestanding:
	@echo "== freestanding build of core/ hv/ drivers/ arch/"
	$(Q)tests/scripts/freestanding.sh "$(CC)" "$(FREESTANDING_CHECK_FLAGS)" $(BUILD)/freestanding $(PORTABLE_C)

HOSTED_TESTS := test-unit test-hosted test-determinism test-monitor test-shell test-decoder test-emulator test-fuzz $(if $(filter 1,$(SAN)),,test-valgrind)

test: test-deps test-freestanding $(HOSTED_TESTS) $(if $(filter 1,$(SAN)),,test-baremetal test-shell-qemu)
	@echo "== all tests passed"

# valgrind follows the hosted kernel's stack switches (the platform
# registers every kernel stack); a short SMP run must be error-free.
test-valgrind: $(HOSTED_BIN)
	@echo "== valgrind (memcheck) on the hosted kernel"
	$(Q)valgrind -q --error-exitcode=3 $(HOSTED_BIN) --cpus 2 --time=virtual 'ktest=sync_*' </dev/null > $(BUILD_HOSTED)/valgrind.log 2>&1 \
		&& tests/scripts/ktest-check.sh $(BUILD_HOSTED)/valgrind.log "valgrind --cpus 2 sync_*" 0 \
		|| { tail -n 30 $(BUILD_HOSTED)/valgrind.log; exit 1; }

# The x86 decoder/emulator (hv/x86) against external oracles: capstone for
# decoding, the host CPU for execution. Both regenerate their inputs from a
# seed (tests/decoder/corpus.c); fuzz-decoder runs the capstone check under
# libFuzzer for FUZZ_TIME seconds.
DECODER_TEST_DIR := $(BUILD_HOSTED)/decoder-tests
X86_SRCS := $(sort $(wildcard hv/x86/*.c))
X86_DEPS := $(X86_SRCS) $(wildcard hv/x86/*.h include/hv/x86/*.h tests/decoder/*.h)
DECODER_TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) $(DEBUGFLAGS) -O2 $(SANFLAGS)
CAPSTONE_CFLAGS := $(shell pkg-config --cflags capstone 2>/dev/null)
CAPSTONE_LIBS := $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)
DECODE_DIFF_SRCS := tests/decoder/decode_diff.c tests/decoder/cs_compare.c tests/decoder/corpus.c
EXEC_DIFF_SRCS := tests/decoder/exec_diff.c tests/decoder/native_runner.c tests/decoder/corpus.c
DECODER_SEED ?= 0x4d414352
DECODER_COUNT ?= 300000
EMULATOR_SEED ?= 0x45584543
EMULATOR_COUNT ?= 200000
FUZZ_TIME ?= 30
FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz

$(DECODER_TEST_DIR)/decode_diff: $(DECODE_DIFF_SRCS) $(X86_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(DECODER_TEST_CFLAGS) $(CAPSTONE_CFLAGS) -o $@ $(DECODE_DIFF_SRCS) $(X86_SRCS) $(CAPSTONE_LIBS)

$(DECODER_TEST_DIR)/exec_diff: $(EXEC_DIFF_SRCS) $(X86_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(DECODER_TEST_CFLAGS) -mfsgsbase -o $@ $(EXEC_DIFF_SRCS) $(X86_SRCS)

$(DECODER_TEST_DIR)/emulate_cases: tests/decoder/emulate_cases.c $(X86_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(DECODER_TEST_CFLAGS) -o $@ tests/decoder/emulate_cases.c $(X86_SRCS)

$(FUZZ_DIR)/decode_diff: fuzz/decoder/decode_diff.c tests/decoder/cs_compare.c $(X86_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -Iinclude -Itests/decoder $(WARN) -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(CAPSTONE_CFLAGS) \
		-o $@ fuzz/decoder/decode_diff.c tests/decoder/cs_compare.c $(X86_SRCS) $(CAPSTONE_LIBS)

.PHONY: test-decoder test-emulator fuzz-decoder
test-decoder: $(DECODER_TEST_DIR)/decode_diff
	@echo "== x86 decoder vs capstone ($(DECODER_COUNT) generated inputs)"
	$(Q)$< --seed $(DECODER_SEED) --count $(DECODER_COUNT)

test-emulator: $(DECODER_TEST_DIR)/exec_diff $(DECODER_TEST_DIR)/emulate_cases
	@echo "== x86 emulator vs the host CPU ($(EMULATOR_COUNT) instructions), 16/32-bit directed cases"
	$(Q)$(DECODER_TEST_DIR)/exec_diff --seed $(EMULATOR_SEED) --count $(EMULATOR_COUNT)
	$(Q)$(DECODER_TEST_DIR)/emulate_cases

fuzz-decoder: $(FUZZ_DIR)/decode_diff
	@echo "== libFuzzer: decoder vs capstone for $(FUZZ_TIME)s"
	@mkdir -p $(FUZZ_DIR)/decoder-corpus
	$(Q)$< -max_total_time=$(FUZZ_TIME) -max_len=33 -dict=fuzz/decoder/x86.dict \
		-artifact_prefix=$(FUZZ_DIR)/decoder- $(FUZZ_DIR)/decoder-corpus
