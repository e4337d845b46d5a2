/* Decoding fuzzer input into system calls (prog.c) and printing them in
 * strace form (trace.c). Argument generation follows each argument's kind in
 * the one syscall table (include/kern/syscalls.def), so a new syscall is
 * fuzzed without touching this harness. */
#ifndef FUZZ_SYSCALLS_PROG_H
#define FUZZ_SYSCALLS_PROG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_MAX_CALLS 48
#define PROG_STR_MAX   96

struct prog_call {
	unsigned nr;
	long args[6];
	char str[6][PROG_STR_MAX]; /* what a STR/PATH argument points to */
	long ret;
};

struct prog_input {
	const uint8_t *data;
	size_t size;
	bool trace;      /* print each call as it runs (replay) */
	bool exit_check; /* then tear the process down and check the allocators */
	unsigned ncalls;
	struct prog_call calls[PROG_MAX_CALLS];
};

/* Runs in the kernel's init thread: decodes and executes the input. */
void prog_run(void *input);
/* Runs once in the init thread before the snapshot: builds the fuzz process. */
void prog_setup(void);
/* One call in strace form, e.g. `openat(AT_FDCWD, "/tmp/a", 0x41, 0644) = 3`. */
void prog_print_call(const struct prog_call *c, bool with_ret);
/* Writes a seed input for the index-th runnable syscall (PROG_SEED_MAX bytes
 * at most), its raw numbers set to raw; returns its length, 0 when index is
 * past the last one. */
#define PROG_SEED_MAX 64
size_t prog_seed(unsigned index, uint64_t raw, uint8_t *out);
/* The valid flag bits of argument `arg` of syscall `name`, or 0 (flagsets.c). */
uint64_t prog_flagset(const char *name, unsigned arg);
#endif
