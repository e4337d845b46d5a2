/* The harness's own execution rate (kfuzz.h: kfuzz_bench), and reading
 * inputs from files for it and the harnesses' --replay. */
#include "kfuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	uint8_t *data;
	size_t size;
	char *name;
	uint64_t ns; /* job + reset of its first run */
};

static struct input *inputs;
static size_t ninputs, cap;

uint8_t *kfuzz_read_input(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data;

	if (!f || fstat(fileno(f), &st) != 0) {
		perror(path);
		exit(1);
	}
	*len = (size_t)st.st_size;
	data = malloc(*len ? *len : 1);
	if (!data || fread(data, 1, *len, f) != *len) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	return data;
}

static void add_file(const char *path)
{
	struct input in = {.name = strdup(path)};

	if (!in.name) {
		fprintf(stderr, "kfuzz: out of memory\n");
		exit(1);
	}
	in.data = kfuzz_read_input(path, &in.size);
	if (ninputs == cap) {
		cap = cap ? 2 * cap : 256;
		inputs = realloc(inputs, cap * sizeof(*inputs));
		if (!inputs) {
			fprintf(stderr, "kfuzz: out of memory\n");
			exit(1);
		}
	}
	inputs[ninputs++] = in;
}

static void add_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) != 0) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return;
	}
	if (!(d = opendir(path))) {
		perror(path);
		exit(1);
	}
	while ((e = readdir(d))) {
		char name[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s", path, e->d_name);
		add_file(name);
	}
	closedir(d);
}

static double wall_s(void)
{
	return (double)kfuzz_now_ns() * 1e-9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static int slower_first(const void *a, const void *b)
{
	const struct input *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* KFUZZ_BENCH_SLOWEST=N: the N inputs that took longest, and their share. */
static void print_slowest(void)
{
	const char *e = getenv("KFUZZ_BENCH_SLOWEST");
	size_t n = e ? (size_t)atol(e) : 0;
	uint64_t total = 0;

	if (!n)
		return;
	for (size_t i = 0; i < ninputs; i++)
		total += inputs[i].ns;
	qsort(inputs, ninputs, sizeof(*inputs), slower_first);
	for (size_t i = 0; i < n && i < ninputs; i++)
		printf("%9.1f us  %4.1f %%  %s\n", inputs[i].ns / 1e3, 100.0 * (double)inputs[i].ns / (double)total,
		       inputs[i].name);
}

int kfuzz_bench(int nargs, char **args)
{
	double secs = nargs > 0 ? atof(args[0]) : 0, w0, c0, w, c;
	struct kfuzz_profile p;
	size_t runs = 0;

	if (nargs < 2 || secs <= 0) {
		fprintf(stderr, "usage: HARNESS --bench SECONDS FILE|DIR...\n");
		return 2;
	}
	for (int i = 1; i < nargs; i++)
		add_path(args[i]);
	if (!ninputs) {
		fprintf(stderr, "kfuzz: no inputs\n");
		return 1;
	}
	for (size_t i = 0; i < ninputs; i++) { /* boots, and warms the hot pages */
		struct kfuzz_profile before, after;
		kfuzz_profile_get(&before);
		LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].size);
		kfuzz_profile_get(&after);
		inputs[i].ns = after.job_ns + after.reset_ns - before.job_ns - before.reset_ns;
	}
	kfuzz_profile_reset();
	w0 = wall_s();
	c0 = cpu_s();
	do {
		for (size_t i = 0; i < ninputs; i++)
			LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].size);
		runs += ninputs;
	} while (wall_s() - w0 < secs);
	w = wall_s() - w0;
	c = cpu_s() - c0;
	kfuzz_profile_get(&p);
	printf("%zu inputs x %zu: %.0f inputs/s (%.0f per CPU-second); per input: job %.1f us, reset %.1f us "
	       "(%.1f pages, %s)\n",
	       ninputs, runs / ninputs, (double)runs / w, (double)runs / c, p.job_ns / 1e3 / (double)p.runs,
	       p.reset_ns / 1e3 / (double)p.runs, (double)p.pages / (double)p.runs, kfuzz_snapshot_method());
	print_slowest();
	return 0;
}
