/* The fuzzing runtime: boots the hosted kernel once inside the fuzzer's
 * process, runs each input in the kernel's init thread, then puts the kernel
 * back to its booted state (RAM, the kernel's data, its init thread) so every
 * input meets the same kernel. See docs/fuzzing.md. */
#ifndef FUZZ_KFUZZ_H
#define FUZZ_KFUZZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs fn(arg) in the kernel's init thread (booting the kernel on first use),
 * then restores the snapshot taken right after boot. `verbose` shows the
 * kernel's console (replay); otherwise it goes to /dev/null. */
void kfuzz_run(void (*fn)(void *), void *arg);
void kfuzz_set_verbose(bool verbose);
/* Runs fn in the init thread once, after boot and before the snapshot:
 * what it builds (a process, a directory tree) every input starts with. */
void kfuzz_set_setup(void (*fn)(void));
/* The machine's RAM (default 32 MiB; before the first input). */
void kfuzz_set_mem_mib(unsigned mib);
/* Whether the environment variable `name` starts with 1 (KFUZZ_TRACE...). */
bool kfuzz_env_flag(const char *name);
/* The host's monotonic clock. */
uint64_t kfuzz_now_ns(void);

/* Totals over the inputs run so far (or since kfuzz_profile_reset). */
struct kfuzz_profile {
	uint64_t runs, job_ns, reset_ns, pages;
};
void kfuzz_profile_get(struct kfuzz_profile *out);
void kfuzz_profile_reset(void);

/* `HARNESS --bench SECONDS FILE|DIR...` (bench.c): runs the inputs, read
 * into memory once, over and over through LLVMFuzzerTestOneInput for
 * SECONDS; prints inputs per second (wall and per CPU-second) and where
 * the time went. The harness's own rate with full state reset, without the
 * fuzzing engine's mutation and coverage bookkeeping. KFUZZ_BENCH_SLOWEST=N
 * also lists the N slowest inputs (first run) and their share of the time. */
int kfuzz_bench(int nargs, char **args);
/* A whole input file, malloc'ed (exits with a message if it cannot). */
uint8_t *kfuzz_read_input(const char *path, size_t *len);

/* Memory whose writes the harness knows better than page tracking does (a
 * VM's guest RAM and its dirty log): [pa, pa+len) of the machine's RAM is
 * neither write-protected nor scanned; instead `hook` runs before every
 * reset and calls kfuzz_snapshot_restore_ram for what the input wrote
 * there. Both from the setup function. KFUZZ_VERIFY=1 checks the result. */
void kfuzz_snapshot_exclude_ram(uint64_t pa, size_t len);
void kfuzz_set_restore_hook(void (*hook)(void));
void kfuzz_snapshot_restore_ram(uint64_t pa, size_t len);

/* Snapshot/restore of the machine (snapshot.c). */
void kfuzz_snapshot_take(void);
void kfuzz_snapshot_restore(void);
size_t kfuzz_snapshot_dirty_pages(void); /* pages restored by the last restore */
const char *kfuzz_snapshot_method(void); /* how written pages are found */
/* The host-side objects of the hosted platform (host.c). */
void kfuzz_host_snapshot(void);
void kfuzz_host_restore(void);

/* A fresh process for the calling kernel thread (proc.c): a new address
 * space with a read-write buffer at KFUZZ_UBUF, descriptors 0-2, "/" as
 * root and cwd. kfuzz_proc_end tears it down and checks the kernel's
 * allocators are consistent. */
#define KFUZZ_UBUF      0x10000000UL
#define KFUZZ_UBUF_SIZE 0x10000UL
struct kfuzz_proc;
struct kfuzz_proc *kfuzz_proc_begin(void);
void kfuzz_proc_end(struct kfuzz_proc *fp);
int kfuzz_proc_pid(struct kfuzz_proc *fp);
/* Copies bytes into the process's buffer (offset is taken modulo its size). */
void kfuzz_proc_poke(struct kfuzz_proc *fp, size_t off, const void *src, size_t len);
/* Runs one system call with a virtual-time watchdog that interrupts it. */
long kfuzz_proc_syscall(struct kfuzz_proc *fp, unsigned long nr, const long args[6]);
#endif
