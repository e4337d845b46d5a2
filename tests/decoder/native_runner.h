/* Runs one instruction on the host CPU with a chosen register file: the
 * bytes are placed in an executable page between a stub that loads all 16
 * general registers and RFLAGS and a stub that stores them back. Faults
 * (SIGSEGV/SIGILL/SIGBUS) are caught and reported, not fatal. */
#ifndef TESTS_DECODER_NATIVE_RUNNER_H
#define TESTS_DECODER_NATIVE_RUNNER_H
#include <stddef.h>
#include <stdint.h>

struct native_state {
	uint64_t gpr[16]; /* rax, rcx, ... r15 */
	uint64_t rflags;
	uint64_t gs_base;
};

struct native_runner {
	uint8_t *page;      /* executable page holding the stubs and the instruction */
	uint8_t *insn_addr; /* where the instruction under test starts */
	uint8_t *data;      /* the data buffer memory operands point into */
	size_t data_size;
};

/* Maps code and data below 2 GiB (so 32-bit addresses and disp32 reach them).
 * Returns 0 or -1. */
int native_runner_init(struct native_runner *r, size_t data_size);

/* Runs `bytes` with *state loaded; on return *state holds the registers and
 * flags after. Returns 0, or the signal number that stopped it. */
int native_run(struct native_runner *r, const uint8_t *bytes, size_t len, struct native_state *state);

#endif
