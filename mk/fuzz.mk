# Kernel fuzzing (docs/fuzzing.md). Harnesses in fuzz/<name>/ link a copy of
# the hosted kernel built with the fuzzing engine's instrumentation into
# $(FUZZ_OUT)/kernel/, plus the runtime in fuzz/kernel/ (boot once, restore
# the booted state after every input).
#   make fuzz FUZZ_TIME=60      every harness for FUZZ_TIME s: exec/s, coverage
#   make test-fuzz              every harness briefly + fuzz/regressions/
#   make bench-fuzz             syscall and VM-exit harnesses' exec/s with full state reset
#   make fuzz-afl               the same harnesses built with afl-clang-fast
#   make coverage               hosted tests with clang source coverage
# Engine knobs (fuzz/build.sh sets them from OSS-Fuzz's $CC/$CFLAGS/$LIB_FUZZING_ENGINE):
FUZZ_OUT ?= $(FUZZ_DIR)
FUZZ_CFLAGS ?= -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_ENGINE ?= -fsanitize=fuzzer,address,undefined
FUZZ_EXTRA_CFLAGS ?=
# No coverage feedback from the simulated machine (fuzz/kernel/coverage.ignore).
FUZZ_COV_CFLAGS ?= -fsanitize-coverage-ignorelist=fuzz/kernel/coverage.ignore
FUZZ_HARNESSES := syscalls elf cpio path vmexit
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/,$(FUZZ_HARNESSES))
FUZZ_RT_SRCS := $(sort $(wildcard fuzz/kernel/*.c))
FUZZ_HOST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) $(FUZZ_CFLAGS) $(FUZZ_EXTRA_CFLAGS) -pthread
FUZZ_BENCH_TIME ?= 20

.PHONY: fuzz test-fuzz bench-fuzz fuzz-afl fuzz-build fuzz-planted FORCE
FORCE:

# The kernel, compiled by this make with the engine's compiler and flags.
# (The sub-make builds it as its HOSTED_LIB, so it must not see this rule.)
# A harness with a list of its own, fuzz/<name>/coverage.allow, links a
# kernel of its own in which only what the list names has coverage
# instrumentation (partial instrumentation, as AFL++ advises: less engine
# work per execution and no feedback from code the harness is not about).
FUZZ_OWN_KERNEL := $(patsubst fuzz/%/coverage.allow,%,$(wildcard fuzz/*/coverage.allow))
# FUZZ_NOCMP_<name>: directories and files of such a kernel without compare
# (and indirect-call) tracing. The VM-exit harness keeps it in the
# instruction decoder and emulator (hv/x86: opcode bytes), not in the exit
# loop, bus, memory map, device models and guest page walker, whose compares
# (port and address ranges, register offsets the harness already aims at,
# page-table bits, state polled every exit) were 40 % of its kernel time;
# without them it ran 25 % more inputs and found as many edges or more in
# 5 minutes (docs/fuzzing.md). Indirect calls only feed the value profile,
# which is off.
FUZZ_NOCMP_vmexit ?= hv/core hv/dev hv/pci hv/virtio hv/x86/walk.c
fuzz_kdir = $(FUZZ_OUT)/kernel$(if $(filter $(1),$(FUZZ_OWN_KERNEL)),-$(1))
ifeq ($(FUZZ_SUBMAKE),)
# (The hypervisor's test guests embedded in it are built first by this make's
# own compiler: they are 32-bit freestanding code, not fuzzed.)
# So is the user-mode stub it embeds (no engine runtime in a -nostdlib binary).
# $(1): the kernel's directory, $(2): its coverage allowlist (or none),
# $(3): directories and files without compare tracing. $(1)/flags holds the
# flags: the objects are rebuilt when they change.
define FUZZ_KLIB_RULE
$(1)/libmacrohard.a: FORCE
	$$(if $$(wildcard mk/guests.mk),$$(Q)$$(MAKE) --no-print-directory guests)
	$$(Q)$$(MAKE) --no-print-directory FUZZ_SUBMAKE=1 CC=clang BUILD_HOSTED=$(1) $(1)/macrohard-stub
	$$(Q)mkdir -p $(1); f='$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_COV_CFLAGS) $(2) $$(FUZZ_EXTRA_CFLAGS) nocmp: $(3)'; \
		echo "$$$$f" | cmp -s - $(1)/flags || echo "$$$$f" > $(1)/flags
	$$(Q)$$(MAKE) --no-print-directory FUZZ_SUBMAKE=1 CC="$$(FUZZ_CC)" BUILD_HOSTED=$(1) HOSTED_OPT= \
		HOSTED_OBJ_DEPS="fuzz/kernel/coverage.ignore $(2) $(1)/flags" HOSTED_NOCMP="$(3)" \
		SANFLAGS="$$(FUZZ_CFLAGS) $$(FUZZ_COV_CFLAGS) $(if $(2),-fsanitize-coverage-allowlist=$(2)) $$(FUZZ_EXTRA_CFLAGS)" $$@
endef
$(eval $(call FUZZ_KLIB_RULE,$(FUZZ_OUT)/kernel,,))
$(foreach h,$(FUZZ_OWN_KERNEL),$(eval $(call FUZZ_KLIB_RULE,$(call fuzz_kdir,$(h)),fuzz/$(h)/coverage.allow,$(FUZZ_NOCMP_$(h)))))
endif

define FUZZ_HARNESS_RULE
$(FUZZ_OUT)/$(1): $(wildcard fuzz/$(1)/*.c fuzz/$(1)/*.h) $(FUZZ_RT_SRCS) fuzz/kernel/kfuzz.h fuzz/kernel/kdata.ld $(call fuzz_kdir,$(1))/libmacrohard.a
	@echo "  FUZZ    $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) $(FUZZ_COV_CFLAGS) -o $$@ $(wildcard fuzz/$(1)/*.c) $(FUZZ_RT_SRCS) \
		-Wl,--whole-archive $(call fuzz_kdir,$(1))/libmacrohard.a -Wl,--no-whole-archive \
		-Wl,--wrap=plat_poweroff -Wl,--wrap=plat_aspace_create -Wl,--wrap=plat_aspace_destroy \
		-Wl,--wrap=current_signal_pending -Wl,--wrap=console_write_raw \
		-Wl,-T,fuzz/kernel/kdata.ld $(FUZZ_ENGINE)
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call FUZZ_HARNESS_RULE,$(h))))

fuzz-build: $(FUZZ_BINS)

# Runs each harness for FUZZ_TIME seconds on its seeds (fuzz/corpus/<name>,
# copied so the committed seeds stay small); prints exec/s and coverage.
fuzz: $(FUZZ_BINS)
	$(Q)for h in $(FUZZ_HARNESSES); do \
		fuzz/run.sh $(FUZZ_OUT)/$$h $$h $(FUZZ_TIME) $(FUZZ_OUT)/work || exit 1; \
	done

test-fuzz: $(FUZZ_BINS)
	@echo "== fuzz harnesses: regressions, then 3 s of fuzzing each (fixed seed: repeatable)"
	$(Q)for h in $(FUZZ_HARNESSES); do \
		FUZZ_FLAGS="-seed=1 $$FUZZ_FLAGS" fuzz/run.sh --regress $(FUZZ_OUT)/$$h $$h 3 $(FUZZ_OUT)/test || exit 1; \
	done
	$(Q)fuzz/replay-check.sh $(FUZZ_OUT)/syscalls fuzz/corpus/syscalls/* fuzz/regressions/syscalls/*

# Two builds of the same sources: "checked" (this make's FUZZ_CFLAGS:
# -O1, ASan+UBSan, what `make fuzz` runs) and "plain" (-O2, libFuzzer's
# instrumentation only: counters, compare hooks), each under libFuzzer for
# FUZZ_BENCH_TIME s from the seeds, with where an execution's time went
# (kernel job, reset, engine). Results: docs/fuzzing.md.
FUZZ_PLAIN_OUT ?= $(BUILD)/fuzz-plain
# The engine's working corpus (thousands of small files written and deleted
# in 20 s) on a RAM disk, as AFL++ advises for its output directory: on
# this VM's ext4, creating them was up to a sixth of the time (the inode
# allocator skipping recently deleted inodes).
FUZZ_BENCH_WORK ?= $(if $(wildcard /dev/shm),/dev/shm,$(abspath $(BUILD)))
FUZZ_BENCH_HARNESSES := syscalls vmexit
bench-fuzz: $(FUZZ_OUT)/syscalls $(FUZZ_OUT)/vmexit
	$(Q)$(MAKE) --no-print-directory FUZZ_OUT=$(FUZZ_PLAIN_OUT) \
		FUZZ_CFLAGS="-g -O2 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" FUZZ_ENGINE=-fsanitize=fuzzer \
		$(FUZZ_PLAIN_OUT)/syscalls $(FUZZ_PLAIN_OUT)/vmexit
	$(Q)work=$$(mktemp -d $(FUZZ_BENCH_WORK)/macrohard-bench.XXXXXX) || exit 1; \
	for b in plain:$(FUZZ_PLAIN_OUT) checked:$(FUZZ_OUT); do \
		name=$${b%%:*} out=$${b#*:}; \
		for h in $(FUZZ_BENCH_HARNESSES); do \
			echo "== $$h, $$name build, $(FUZZ_BENCH_TIME) s, full state reset per input"; \
			KFUZZ_PROFILE=1 FUZZ_FLAGS="-seed=1 $$FUZZ_FLAGS" fuzz/run.sh $$out/$$h $$h $(FUZZ_BENCH_TIME) $$work/$$name \
				|| exit 1; \
		done; \
	done; \
	rm -rf $$work

fuzz-afl:
	$(Q)$(MAKE) --no-print-directory FUZZ_CC=afl-clang-fast FUZZ_OUT=$(BUILD)/fuzz-afl \
		FUZZ_CFLAGS="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all" \
		FUZZ_ENGINE="-fsanitize=fuzzer,address,undefined" fuzz-build

# Each harness of the AFL++ build under afl-fuzz for AFL_TIME seconds, one
# after the other (one core); prints AFL++'s executions and paths.
AFL_TIME ?= 30
AFL_ENV := AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
	ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
.PHONY: fuzz-afl-run
fuzz-afl-run: fuzz-afl
	$(Q)for h in $(FUZZ_HARNESSES); do \
		w=$(BUILD)/fuzz-afl/work/$$h; rm -rf $$w; mkdir -p $$w; \
		dict=; [ -f fuzz/$$h/$$h.dict ] && dict="-x fuzz/$$h/$$h.dict"; \
		start=$$(date +%s); \
		$(AFL_ENV) afl-fuzz -V $(AFL_TIME) -m none -i fuzz/corpus/$$h -o $$w $$dict -- $(BUILD)/fuzz-afl/$$h \
			> $$w.log 2>&1 || { tail -n 30 $$w.log; echo "FAIL $$h: afl-fuzz"; exit 1; }; \
		st=$$w/default/fuzzer_stats; \
		echo "ok   $$h (AFL++): $$(( $$(date +%s) - start )) s, $$(sed -n 's/^execs_done *: //p' $$st) execs," \
			"$$(sed -n 's/^execs_per_sec *: //p' $$st) exec/s, $$(sed -n 's/^corpus_count *: //p' $$st) paths," \
			"$$(sed -n 's/^saved_crashes *: //p' $$st) crashes"; \
	done

# A bug planted in pipe2 (-DFUZZ_PLANTED_BUG=N, test builds only): the
# syscall harness must find it within FUZZ_TIME seconds. FUZZ_PLANTED=1 (the
# default): a crash after a successful call with both of pipe2's flags;
# FUZZ_PLANTED=2: a 32-bit magic flags value (not found in 60 s yet).
FUZZ_PLANTED ?= 1
fuzz-planted:
	$(Q)$(MAKE) --no-print-directory FUZZ_OUT=$(BUILD)/fuzz-planted$(FUZZ_PLANTED) \
		FUZZ_EXTRA_CFLAGS=-DFUZZ_PLANTED_BUG=$(FUZZ_PLANTED) $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/syscalls
	@echo "== planted bug $(FUZZ_PLANTED): the syscall harness must crash within $(FUZZ_TIME) s"
	$(Q)mkdir -p $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/work && rm -rf $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/work/*
	$(Q)start=$$(date +%s); fuzz/run.sh $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/syscalls syscalls $(FUZZ_TIME) $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/work >/dev/null 2>&1; \
	secs=$$(( $$(date +%s) - start )); log=$(BUILD)/fuzz-planted$(FUZZ_PLANTED)/work/syscalls.log; \
	if grep -q 'ERROR: AddressSanitizer: SEGV' $$log && grep -Eq 'in (do_pipe2|sys_pipe2) ' $$log; then \
		echo "ok   planted bug found after $$secs s ($$(grep -o '^#[0-9]*' $$log | tail -n 1 | tr -d '#') inputs)"; \
	elif grep -q 'ERROR:' $$log; then \
		grep -A12 'ERROR:' $$log; echo "FAIL: another crash after $$secs s (input in $(BUILD)/fuzz-planted$(FUZZ_PLANTED)/work/)"; exit 1; \
	else echo "FAIL: not found in $(FUZZ_TIME) s"; exit 1; fi

# Source-based coverage of the hosted tests (tools/coverage.sh): clang with
# -fprofile-instr-generate -fcoverage-mapping, in its own build directory.
# COV_SHELL=1 adds the busybox shell suite (minutes). _exit is wrapped so the
# kernel's power-off writes the profile (tools/coverage-exit.c).
COV_BUILD ?= $(BUILD)/coverage
COV_FLAGS := -fprofile-instr-generate -fcoverage-mapping
.PHONY: coverage
coverage:
	$(if $(wildcard mk/guests.mk),$(Q)$(MAKE) --no-print-directory BUILD=$(COV_BUILD) guests)
	@mkdir -p $(COV_BUILD)/hosted
	$(Q)clang $(COV_FLAGS) -O1 -c tools/coverage-exit.c -o $(COV_BUILD)/hosted/cov_exit.o
	$(Q)$(MAKE) --no-print-directory BUILD=$(COV_BUILD) CC=clang HOSTED_OPT=-O1 SANFLAGS="$(COV_FLAGS)" \
		HOSTED_LDFLAGS="$(COV_FLAGS) -pthread -Wl,--wrap=_exit $(abspath $(COV_BUILD))/hosted/cov_exit.o" \
		$(COV_BUILD)/hosted/macrohard $(COV_BUILD)/hosted/tests/unit-tests
	$(Q)tools/coverage.sh $(COV_BUILD)/hosted $(if $(filter 1,$(COV_SHELL)),shell)
