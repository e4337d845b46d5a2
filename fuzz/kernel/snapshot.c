/* Full state reset. After boot: a copy of the machine's RAM (and, under
 * ASan, of its shadow, since kernel stacks live in RAM) and of the kernel's
 * writable data (kdata.ld). RAM is then kept read-only: the first write to a
 * page faults, the handler records the page and makes it writable. Restore
 * copies back only those pages, then all of the kernel's data (small). */
#include "kfuzz.h"

#include <plat/mem.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../platform-hosted/hosted.h"

#define PAGE 4096UL
#define ASAN_SHADOW_OFFSET 0x7fff8000UL /* x86-64 Linux */

extern char __kfuzz_data_start[], __kfuzz_data_end[];
extern char kfuzz_boot_stack[];
extern const size_t kfuzz_boot_stack_size;
void __asan_init(void) __attribute__((weak));

static uint8_t *ram, *ram_copy, *shadow_copy;
static size_t ram_pages;
static uint8_t *dirty;      /* one byte per RAM page */
static uint32_t *dirty_list;
static size_t ndirty, last_restored;
static char *kdata_copy, *stack_copy, *stack_shadow_copy;
static struct sigaction chained;

/* Copies bytes the sanitizers must not check: RAM holds poisoned kernel
 * stack frames, the kernel's data has redzones, and shadow memory is no
 * memory to ASan at all. `rep movsb` is invisible to the instrumentation. */
static void raw_copy(void *dst, const void *src, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static uint8_t *shadow_of(const void *p)
{
	return (uint8_t *)(((uintptr_t)p >> 3) + ASAN_SHADOW_OFFSET);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uint8_t *a = si->si_addr;

	if (a >= ram && a < ram + ram_pages * PAGE) {
		size_t pg = (size_t)(a - ram) / PAGE;
		if (!dirty[pg]) {
			dirty[pg] = 1;
			dirty_list[ndirty++] = (uint32_t)pg;
			if (mprotect(ram + pg * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0)
				return;
		}
	}
	/* A real fault: the sanitizer's or the fuzzer's handler reports it. */
	if (chained.sa_flags & SA_SIGINFO) {
		chained.sa_sigaction(sig, si, uc);
		return;
	}
	sigaction(SIGSEGV, &chained, NULL);
	if (chained.sa_handler != SIG_DFL && chained.sa_handler != SIG_IGN)
		chained.sa_handler(sig);
}

void kfuzz_snapshot_take(void)
{
	size_t kdata = (size_t)(__kfuzz_data_end - __kfuzz_data_start);
	struct sigaction sa;

	ram = plat_phys_to_virt(0);
	ram_pages = hosted_ram_size() / PAGE;
	ram_copy = malloc(ram_pages * PAGE);
	dirty = calloc(ram_pages, 1);
	dirty_list = malloc(ram_pages * sizeof(*dirty_list));
	kdata_copy = malloc(kdata);
	stack_copy = malloc(kfuzz_boot_stack_size);
	stack_shadow_copy = malloc(kfuzz_boot_stack_size / 8);
	if (__asan_init)
		shadow_copy = malloc(ram_pages * PAGE / 8);
	if (!ram_copy || !dirty || !dirty_list || !kdata_copy || !stack_copy || !stack_shadow_copy || (__asan_init && !shadow_copy)) {
		fprintf(stderr, "kfuzz: no memory for the snapshot\n");
		abort();
	}
	raw_copy(ram_copy, ram, ram_pages * PAGE);
	if (shadow_copy)
		raw_copy(shadow_copy, shadow_of(ram), ram_pages * PAGE / 8);
	raw_copy(kdata_copy, __kfuzz_data_start, kdata);
	raw_copy(stack_copy, kfuzz_boot_stack, kfuzz_boot_stack_size);
	if (__asan_init)
		raw_copy(stack_shadow_copy, shadow_of(kfuzz_boot_stack), kfuzz_boot_stack_size / 8);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &chained) != 0 || mprotect(ram, ram_pages * PAGE, PROT_READ) != 0) {
		perror("kfuzz: cannot track writes to RAM");
		abort();
	}
}

void kfuzz_snapshot_restore(void)
{
	for (size_t i = 0; i < ndirty; i++) {
		size_t pg = dirty_list[i];
		raw_copy(ram + pg * PAGE, ram_copy + pg * PAGE, PAGE);
		if (shadow_copy)
			raw_copy(shadow_of(ram + pg * PAGE), shadow_copy + pg * PAGE / 8, PAGE / 8);
		mprotect(ram + pg * PAGE, PAGE, PROT_READ);
		dirty[pg] = 0;
	}
	last_restored = ndirty;
	ndirty = 0;
	raw_copy(__kfuzz_data_start, kdata_copy, (size_t)(__kfuzz_data_end - __kfuzz_data_start));
	raw_copy(kfuzz_boot_stack, stack_copy, kfuzz_boot_stack_size);
	if (__asan_init)
		raw_copy(shadow_of(kfuzz_boot_stack), stack_shadow_copy, kfuzz_boot_stack_size / 8);
}

size_t kfuzz_snapshot_dirty_pages(void)
{
	return last_restored;
}
