/* libFuzzer/AFL++ harness: each input is a sequence of VM exits and guest
 * state changes (ops.c) run against a PC-board VM with virtio devices
 * (board.c), in a kernel restored to its booted state after every input
 * (fuzz/kernel/): the VM is created before the snapshot, so every input
 * meets the same VM.
 *   vmexit [libFuzzer options] [corpus dirs]   fuzz
 *   vmexit --replay FILE...                    run inputs, print each exit
 *   vmexit --bench SECONDS FILE|DIR...         the harness's own rate (fuzz/kernel/bench.c)
 * Setting KFUZZ_TRACE=1 prints the exits of every input (e.g. a crash's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kfuzz.h"
#include "vmexit.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct job {
	const uint8_t *data;
	size_t size;
};

static void job_run(void *arg)
{
	struct job *j = arg;

	vx_run(j->data, j->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job j = {data, size};

	kfuzz_run(job_run, &j);
	return 0;
}

static int replay(int n, char **files)
{
	for (int i = 0; i < n; i++) {
		size_t len;
		uint8_t *buf = kfuzz_read_input(files[i], &len);

		fprintf(stderr, "== %s (%zu bytes)\n", files[i], len);
		LLVMFuzzerTestOneInput(buf, len);
		fprintf(stderr, "== %zu pages restored (%s)\n", kfuzz_snapshot_dirty_pages(), kfuzz_snapshot_method());
		free(buf);
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vx_trace = kfuzz_env_flag("KFUZZ_TRACE");
	kfuzz_set_setup(vx_board_setup);
	kfuzz_set_mem_mib(
	    6); /* the VM's 4 MiB, its devices and the kernel, ~400 KiB to spare: the reset scans all of it */
	if (*argc >= 2 && strcmp((*argv)[1], "--replay") == 0) {
		vx_trace = true;
		exit(replay(*argc - 2, *argv + 2));
	}
	if (*argc >= 2 && strcmp((*argv)[1], "--bench") == 0)
		exit(kfuzz_bench(*argc - 2, *argv + 2));
	return 0;
}
