/* libFuzzer/AFL++ harness: each input is a program of system calls run by a
 * fresh process in a kernel restored to its booted state (fuzz/kernel/).
 *   syscalls [libFuzzer options] [corpus dirs]   fuzz
 *   syscalls --replay FILE...                    run inputs, print the calls (strace form)
 *   syscalls --seeds DIR                         write a seed per syscall of the table into DIR
 *   syscalls --bench SECONDS FILE|DIR...         the harness's own rate (fuzz/kernel/bench.c)
 * Setting KFUZZ_TRACE=1 prints the calls of every input (e.g. a crash's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kfuzz.h"
#include "prog.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct prog_input input;
static unsigned exit_every = 16;

/* Whether this input ends with the process's exit and the allocator check:
 * a pure function of the input (FNV-1a), so a crash there reproduces from
 * the input alone, and mutations of an input get their own draw. */
static bool wants_exit_check(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h % exit_every == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input.data = data;
	input.size = size;
	input.exit_check = wants_exit_check(data, size);
	kfuzz_run(prog_run, &input);
	return 0;
}

static int replay(int n, char **files)
{
	for (int i = 0; i < n; i++) {
		size_t len;
		uint8_t *buf = kfuzz_read_input(files[i], &len);

		fprintf(stderr, "== %s (%zu bytes)\n", files[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		fprintf(stderr, "== %u calls, %zu pages restored (%s)\n", input.ncalls, kfuzz_snapshot_dirty_pages(),
		        kfuzz_snapshot_method());
		free(buf);
	}
	return 0;
}

static int write_seeds(const char *dir)
{
	/* Raw numbers 0 (valid paths) and a filler no syscall accepts. */
	static const uint64_t raws[] = {0, 0x5a5a5a5a5a5a5a5aULL};
	uint8_t buf[PROG_SEED_MAX];
	unsigned n = 0;

	for (size_t r = 0; r < sizeof(raws) / sizeof(raws[0]); r++) {
		size_t len;

		for (unsigned i = 0; (len = prog_seed(i, raws[r], buf)) > 0; i++, n++) {
			char name[4096];
			FILE *f;

			snprintf(name, sizeof(name), "%s/seed-%03u-%zu", dir, i, r);
			if (!(f = fopen(name, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
				perror(name);
				return 1;
			}
		}
	}
	fprintf(stderr, "%u seeds in %s\n", n, dir);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t;

	input.trace = kfuzz_env_flag("KFUZZ_TRACE");
	kfuzz_set_setup(prog_setup);
	kfuzz_set_mem_mib(8);
	if ((t = getenv("KFUZZ_EXIT_EVERY")) && atoi(t) > 0)
		exit_every = (unsigned)atoi(t);
	if (*argc >= 2 && strcmp((*argv)[1], "--replay") == 0) {
		input.trace = true;
		kfuzz_set_verbose(true);
		exit(replay(*argc - 2, *argv + 2));
	}
	if (*argc >= 2 && strcmp((*argv)[1], "--bench") == 0)
		exit(kfuzz_bench(*argc - 2, *argv + 2));
	if (*argc == 3 && strcmp((*argv)[1], "--seeds") == 0)
		exit(write_seeds((*argv)[2]));
	return 0;
}
