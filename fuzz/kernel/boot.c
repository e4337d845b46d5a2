/* Boots the hosted kernel on the fuzzer's own thread and switches between
 * the two with the kernel's own context switch (arch_context_switch: the
 * callee-saved registers and the stack pointer; swapcontext also saved the
 * signal mask, two system calls per input): no second host thread, no
 * handoff latency, and the kernel's CPU identity (a thread-local) stays
 * valid. The kernel's init thread (init=platform) waits in kernel_yield()
 * between inputs. */
#include "kfuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <arch/x86_64/context.h>

#include "../../platform-hosted/hosted.h"

/* Present only in sanitizer builds. */
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size) __attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old)
    __attribute__((weak));

/* CPU 0's boot stack becomes its idle thread's stack: part of the
 * machine's state, so it lies in the kernel's data range (kdata.ld), which
 * the snapshot restores with one scan (snapshot.c). */
#define BOOT_STACK_SIZE (128UL << 10)
static char kfuzz_boot_stack[BOOT_STACK_SIZE] __attribute__((aligned(4096), section(".kfuzz_stack")));

/* Saved stack pointers; the registers are saved on the stacks. The kernel's
 * is in RAM, so the reset puts back its frame with the rest. */
static uintptr_t fuzzer_sp, kernel_sp, kernel_sp_booted;
static const void *fuzzer_stack, *kernel_stack;
static size_t fuzzer_stack_size, kernel_stack_size;
static void *fuzzer_fake, *kernel_fake;
static bool booted, verbose;
static void (*job_fn)(void *);
static void *job_arg;
static void (*setup_fn)(void);
static char mem[16] = "32M"; /* the reset scans all of it: a harness may ask for less */

void kfuzz_set_mem_mib(unsigned mib)
{
	snprintf(mem, sizeof(mem), "%uM", mib);
}

void kfuzz_set_setup(void (*fn)(void))
{
	setup_fn = fn;
}

void kfuzz_set_verbose(bool v)
{
	verbose = v;
}

/* Kernel side: back to the fuzzer until the next job. */
static void kernel_yield(void)
{
	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(&kernel_fake, fuzzer_stack, fuzzer_stack_size);
	arch_context_switch(&kernel_sp, fuzzer_sp);
	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(kernel_fake, &fuzzer_stack, &fuzzer_stack_size);
}

static int init_task(void)
{
	if (setup_fn)
		setup_fn();
	for (;;) {
		kernel_yield();
		job_fn(job_arg);
	}
}

static void boot_entry(void *unused)
{
	static char cmdline[256];
	char *argv[] = {"kfuzz", "--cpus", "1", "--mem", mem, "--time=virtual", "init=platform", "quiet", NULL};

	(void)unused;
	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(NULL, &fuzzer_stack, &fuzzer_stack_size);
	if (!hosted_parse_args(8, argv, cmdline, sizeof(cmdline)))
		abort();
	hosted_cfg.console_in_fd = -1;
	hosted_cfg.console_out_fd = verbose ? 1 : -1; /* -1: the console's bytes go nowhere, at no cost */
	hosted_set_init_task(init_task);
	hosted_boot();
}

/* Fuzzer side: run the kernel until it yields. */
static void enter_kernel(void)
{
	const void *bottom;
	size_t size;

	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(&fuzzer_fake, kernel_stack, kernel_stack_size);
	arch_context_switch(&fuzzer_sp, kernel_sp);
	if (__sanitizer_finish_switch_fiber) {
		__sanitizer_finish_switch_fiber(fuzzer_fake, &bottom, &size);
		kernel_stack = bottom;
		kernel_stack_size = size;
	}
}

static void boot(void)
{
	kernel_sp = arch_context_prepare(kfuzz_boot_stack + BOOT_STACK_SIZE, boot_entry, NULL);
	kernel_stack = kfuzz_boot_stack;
	kernel_stack_size = BOOT_STACK_SIZE;
	enter_kernel(); /* returns once init_task first yields, after the setup */
	kernel_sp_booted = kernel_sp;
	kfuzz_snapshot_take();
	kfuzz_host_snapshot();
	booted = true;
}

/* Where an input's time goes: kept always (two clock reads per input),
 * printed at exit with KFUZZ_PROFILE=1, read by the bench (bench.c). */
static struct kfuzz_profile prof;

bool kfuzz_env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v == '1';
}

uint64_t kfuzz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void print_profile(void)
{
	if (prof.runs)
		fprintf(stderr, "kfuzz: %lu inputs, per input: job %.1f us, reset %.1f us (%.1f pages, %s)\n",
		        (unsigned long)prof.runs, prof.job_ns / 1e3 / prof.runs, prof.reset_ns / 1e3 / prof.runs,
		        (double)prof.pages / prof.runs, kfuzz_snapshot_method());
}

void kfuzz_profile_get(struct kfuzz_profile *out)
{
	*out = prof;
}

void kfuzz_profile_reset(void)
{
	prof = (struct kfuzz_profile){0};
}

void kfuzz_run(void (*fn)(void *), void *arg)
{
	uint64_t t0, t1;

	if (!booted) {
		if (kfuzz_env_flag("KFUZZ_PROFILE"))
			atexit(print_profile);
		boot();
	}
	job_fn = fn;
	job_arg = arg;
	t0 = kfuzz_now_ns();
	enter_kernel();
	t1 = kfuzz_now_ns();
	kfuzz_snapshot_restore();
	kfuzz_host_restore();
	kernel_sp = kernel_sp_booted;
	prof.runs++;
	prof.job_ns += t1 - t0;
	prof.reset_ns += kfuzz_now_ns() - t1;
	prof.pages += kfuzz_snapshot_dirty_pages();
}

/* Linked with -Wl,--wrap=plat_poweroff: a kernel panic (status 99) or any
 * power-off during an input is a crash the fuzzer must see, not an exit. */
void __real_plat_poweroff(int status);
void __wrap_plat_poweroff(int status);
void __wrap_plat_poweroff(int status)
{
	fprintf(stderr, "kfuzz: the kernel powered off with status %d during an input\n", status);
	abort();
}

/* Linked with -Wl,--wrap=console_write_raw: the console terminal's output
 * (a program's write to fd 1) drives the simulated UART a byte at a time,
 * two port accesses each, for bytes that go nowhere unless replaying; that
 * was a quarter of the syscall harness's time. The tty layer above still
 * runs; the UART model is the VM-exit harness's target. */
void __real_console_write_raw(const char *s, size_t n);
void __wrap_console_write_raw(const char *s, size_t n);
void __wrap_console_write_raw(const char *s, size_t n)
{
	if (verbose)
		__real_console_write_raw(s, n);
}
