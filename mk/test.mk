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

.PHONY: test-valgrind test-deps test-unit test-hosted test-determinism test-monitor test-freestanding test-san

test-deps:
	$(Q)tools/deps.sh --quiet

test-unit: $(UNIT_BIN)
	@echo "== Check unit tests (allocators, scheduler, locks)"
	$(Q)CK_DEFAULT_TIMEOUT=120 $(UNIT_BIN)

test-hosted: $(HOSTED_BIN)
	@echo "== hosted kernel ktests"
	$(Q)tests/scripts/hosted-ktest.sh $(HOSTED_BIN)

test-determinism: $(HOSTED_BIN)
	@echo "== virtual-time determinism"
	$(Q)tests/scripts/determinism.sh $(HOSTED_BIN)

test-monitor: $(HOSTED_BIN)
	@echo "== kernel monitor"
	$(Q)tests/scripts/monitor.sh $(HOSTED_BIN)

# Portable code must build without any libc: compile it exactly as the
# bare-metal build does, and prove the flags reject a libc include.
FREESTANDING_CHECK_FLAGS := $(FREESTANDING) $(WARN) -O2 -mno-red-zone -mgeneral-regs-only -fno-pic -fno-stack-protector
test-freestanding:
	@echo "== freestanding build of core/ hv/ drivers/ arch/"
	$(Q)tests/scripts/freestanding.sh "$(CC)" "$(FREESTANDING_CHECK_FLAGS)" $(BUILD)/freestanding $(PORTABLE_C)

HOSTED_TESTS := test-unit test-hosted test-determinism test-monitor $(if $(filter 1,$(SAN)),,test-valgrind)

test: test-deps test-freestanding $(HOSTED_TESTS) $(if $(filter 1,$(SAN)),,test-baremetal)
	@echo "== all tests passed"

# valgrind follows the hosted kernel's stack switches (the platform
# registers every kernel stack); a short SMP run must be error-free.
test-valgrind: $(HOSTED_BIN)
	@echo "== valgrind (memcheck) on the hosted kernel"
	$(Q)valgrind -q --error-exitcode=3 $(HOSTED_BIN) --cpus 2 --time=virtual 'ktest=sync_*' </dev/null > $(BUILD_HOSTED)/valgrind.log 2>&1 \
		&& tests/scripts/ktest-check.sh $(BUILD_HOSTED)/valgrind.log "valgrind --cpus 2 sync_*" 0 \
		|| { tail -n 30 $(BUILD_HOSTED)/valgrind.log; exit 1; }
