/* Full state reset. After boot: a copy of every piece of memory the kernel
 * can change, then only the pages written by an input are copied back.
 *
 * The regions: the machine's RAM (kernel heap, page tables, kernel stacks,
 * tmpfs), the kernel's writable data (every object of libmacrohard.a and
 * CPU 0's boot stack, on which the idle thread runs, gathered by kdata.ld),
 * and, under ASan, the shadow of both (kernel stack frames are poisoned and
 * unpoisoned by instrumented code).
 *
 * Which pages were written: userfaultfd write-protection in asynchronous mode
 * (Linux 6.7+): the host kernel resolves a write fault by itself, with no
 * signal, and PAGEMAP_SCAN on /proc/self/pagemap lists the written pages.
 * Where that is unavailable, the older scheme: RAM read-only with a SIGSEGV
 * handler that records the page and makes it writable (two mprotects and a
 * signal per page), and the other regions copied back whole.
 * Pages most inputs write are not tracked at all but copied back every time
 * (hot pages, below). RAM a harness restores itself (a VM's guest memory,
 * from its dirty log: kfuzz_snapshot_exclude_ram) is left out of the
 * tracking; the fallback tracks it anyway. */
#include "kfuzz.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <plat/mem.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../platform-hosted/hosted.h"

#define PAGE               4096UL
#define MAX_EXCLUDED       4
#define ASAN_SHADOW_OFFSET 0x7fff8000UL /* x86-64 Linux */

/* Linux 6.7 UAPI, newer than the distribution's headers. */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#define UFFD_FEATURE_WP_ASYNC       (1 << 15)
#endif
#ifndef PAGEMAP_SCAN
#define PAGE_IS_WRITTEN       (1 << 1)
#define PM_SCAN_WP_MATCHING   (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

extern char __kfuzz_data_start[], __kfuzz_data_end[], __executable_start[];
void __asan_init(void) __attribute__((weak));

/* A piece of memory restored after every input: [start, start+len) exactly;
 * its writes are tracked over the pages around it (lo..hi). `alias`, if
 * set, maps the same pages a second time without write tracking, so the
 * restore does not count as writes. */
struct region {
	uint8_t *start, *copy, *alias;
	size_t len;
	uintptr_t lo, hi;
	uint8_t *heat;                       /* per page: recent inputs that wrote it (decaying) */
	uint8_t *hot;                        /* per page: left writable, copied back after every input */
	uint32_t *census;                    /* per page: inputs that wrote it (KFUZZ_PAGES) */
	uintptr_t span[MAX_EXCLUDED + 1][2]; /* what is tracked: [lo, hi) less the excluded ranges */
	unsigned nspans;
};

#define MAX_REGIONS 4
static struct region regions[MAX_REGIONS];
static unsigned nregions;
/* RAM a harness restores itself (kfuzz_snapshot_exclude_ram), sorted:
 * offsets into RAM, page aligned. */
static struct {
	uintptr_t lo, hi;
} excluded[MAX_EXCLUDED];
static unsigned nexcluded;
static void (*restore_hook)(void);
static size_t hook_restored;
static int pagemap_fd = -1, uffd = -1;
static size_t last_restored;

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

static struct region *add_region(void *start, size_t len)
{
	struct region *r = &regions[nregions++];

	r->start = start;
	r->len = len;
	r->lo = (uintptr_t)start & ~(PAGE - 1);
	r->hi = ((uintptr_t)start + len + PAGE - 1) & ~(PAGE - 1);
	r->copy = malloc(len);
	if (!r->copy) {
		fprintf(stderr, "kfuzz: no memory for the snapshot\n");
		abort();
	}
	raw_copy(r->copy, start, len);
	r->span[0][0] = r->lo;
	r->span[0][1] = r->hi;
	r->nspans = 1;
	return r;
}

/* RAM (the first region) is tracked but for the excluded ranges. */
static void exclude_spans(struct region *r)
{
	uintptr_t at = r->lo;

	r->nspans = 0;
	for (unsigned i = 0; i < nexcluded; i++) {
		if (r->lo + excluded[i].lo > at) {
			r->span[r->nspans][0] = at;
			r->span[r->nspans++][1] = r->lo + excluded[i].lo;
		}
		at = r->lo + excluded[i].hi;
	}
	if (at < r->hi) {
		r->span[r->nspans][0] = at;
		r->span[r->nspans++][1] = r->hi;
	}
}

void kfuzz_snapshot_exclude_ram(uint64_t pa, size_t len)
{
	unsigned i;

	if (nregions || nexcluded == MAX_EXCLUDED || pa % PAGE || len % PAGE || !len || pa > hosted_ram_size() ||
	    len > hosted_ram_size() - pa) {
		fprintf(stderr,
		        "kfuzz: kfuzz_snapshot_exclude_ram(%#llx, %zu): not before the snapshot, "
		        "unaligned, outside RAM or too many ranges\n",
		        (unsigned long long)pa, len);
		abort();
	}
	for (i = nexcluded; i > 0 && excluded[i - 1].lo > pa; i--)
		excluded[i] = excluded[i - 1];
	excluded[i].lo = pa;
	excluded[i].hi = pa + len;
	nexcluded++;
}

void kfuzz_set_restore_hook(void (*hook)(void))
{
	restore_hook = hook;
}

static size_t region_pages(const struct region *r)
{
	return (r->hi - r->lo) / PAGE;
}

/* Copies back the part of [a, b) (page-aligned) that belongs to r. */
static void restore_range(struct region *r, uintptr_t a, uintptr_t b)
{
	uintptr_t s = (uintptr_t)r->start, e = s + r->len;

	if (a < s)
		a = s;
	if (b > e)
		b = e;
	if (a < b)
		raw_copy((r->alias ? r->alias : r->start) + (a - s), r->copy + (a - s), b - a);
}

void kfuzz_snapshot_restore_ram(uint64_t pa, size_t len)
{
	uintptr_t a = regions[0].lo + pa;

	restore_range(&regions[0], a, a + len);
	hook_restored += len / PAGE;
}

/* ---- write tracking with userfaultfd (asynchronous) + PAGEMAP_SCAN ---- */

static bool wp_region(const struct region *r)
{
	for (unsigned i = 0; i < r->nspans; i++) {
		uintptr_t lo = r->span[i][0], hi = r->span[i][1];
		struct uffdio_register reg = {.range = {lo, hi - lo}, .mode = UFFDIO_REGISTER_MODE_WP};
		struct uffdio_writeprotect wp = {.range = {lo, hi - lo}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};

		if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0 || ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) != 0)
			return false;
	}
	return true;
}

static bool uffd_setup(void)
{
	struct uffdio_api api = {.api = UFFD_API,
	                         .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED |
	                                     UFFD_FEATURE_WP_HUGETLBFS_SHMEM};
	struct page_region v[1];
	struct pm_scan_arg a = {.size = sizeof(a),
	                        .flags = PM_SCAN_CHECK_WPASYNC,
	                        .vec = (uintptr_t)v,
	                        .vec_len = 1,
	                        .category_mask = PAGE_IS_WRITTEN,
	                        .return_mask = PAGE_IS_WRITTEN};

	if (getenv("KFUZZ_NO_UFFD"))
		return false;
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (uffd < 0 || pagemap_fd < 0 || ioctl(uffd, UFFDIO_API, &api) != 0)
		goto fail;
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		r->heat = calloc(region_pages(r), 1);
		r->hot = calloc(region_pages(r), 1);
		if (!r->heat || !r->hot || !wp_region(r))
			goto fail;
	}
	a.start = regions[0].span[0][0];
	a.end = regions[0].span[0][1];
	if (ioctl(pagemap_fd, PAGEMAP_SCAN, &a) < 0)
		goto fail;
	return true;
fail:
	/* Undo what was done: registered ranges must not stay write-protected. */
	if (uffd >= 0)
		close(uffd);
	if (pagemap_fd >= 0)
		close(pagemap_fd);
	uffd = pagemap_fd = -1;
	return false;
}

/* Pages most inputs write (the init thread's stack, the allocators'
 * and scheduler's data) are left writable and copied back after every
 * input: a copy costs less than the write fault (about 1 us on this VM)
 * plus the write-protection it takes to notice the next write. A page is
 * promoted once its decaying count of writing inputs reaches HOT_AT (a
 * page written by about 1 input in 16); every HOT_EPOCH inputs all hot
 * pages are write-protected again and must earn it anew, so a page the
 * inputs stopped writing goes back to costing nothing. Which pages are hot
 * changes only the host's bookkeeping, never the restored state. */
#define HOT_AT        8
#define HEAT_HALFLIFE 64   /* inputs */
#define HOT_EPOCH     4096 /* inputs */

static unsigned long restores;

static void uffd_protect(uintptr_t a, uintptr_t b)
{
	struct uffdio_writeprotect wp = {.range = {a, b - a}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};

	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) != 0) {
		perror("kfuzz: UFFDIO_WRITEPROTECT");
		abort();
	}
}

/* Written pages to protect again, coalesced into one run. */
struct protect_run {
	uintptr_t start, end;
};

static void protect_page(struct protect_run *run, uintptr_t pg)
{
	if (pg != run->end) {
		if (run->start < run->end)
			uffd_protect(run->start, run->end);
		run->start = pg;
	}
	run->end = pg + PAGE;
}

/* Restores the written pages of r in [lo, hi); queues those not hot for
 * write protection. Returns the number of pages. */
static size_t uffd_restore_span(struct region *r, uintptr_t lo, uintptr_t hi, struct protect_run *run)
{
	struct page_region v[64];
	struct pm_scan_arg a = {.size = sizeof(a),
	                        .vec = (uintptr_t)v,
	                        .vec_len = 64,
	                        .category_mask = PAGE_IS_WRITTEN,
	                        .return_mask = PAGE_IS_WRITTEN};
	size_t pages = 0;
	long n;

	for (uintptr_t at = lo; at < hi; at = a.walk_end) {
		a.start = at;
		a.end = hi;
		n = ioctl(pagemap_fd, PAGEMAP_SCAN, &a);
		if (n < 0) {
			perror("kfuzz: PAGEMAP_SCAN");
			abort();
		}
		for (long i = 0; i < n; i++) {
			restore_range(r, v[i].start, v[i].end);
			pages += (v[i].end - v[i].start) / PAGE;
			for (uintptr_t pg = v[i].start; pg < v[i].end; pg += PAGE) {
				size_t idx = (pg - r->lo) / PAGE;
				if (r->census)
					r->census[idx]++;
				if (r->hot[idx])
					continue;
				if (!r->census && r->heat[idx] < 255 && ++r->heat[idx] >= HOT_AT) {
					r->hot[idx] = 1;
					continue;
				}
				protect_page(run, pg);
			}
		}
	}
	return pages;
}

/* Restores the written pages of r and write-protects those not hot. */
static size_t uffd_restore(struct region *r)
{
	struct protect_run run = {0, 0};
	size_t pages = 0;

	for (unsigned i = 0; i < r->nspans; i++)
		pages += uffd_restore_span(r, r->span[i][0], r->span[i][1], &run);
	if (run.start < run.end)
		uffd_protect(run.start, run.end);
	return pages;
}

static void uffd_age(void)
{
	restores++;
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		size_t np = region_pages(r);
		if (restores % HOT_EPOCH == 0) {
			memset(r->hot, 0, np);
			for (unsigned s = 0; s < r->nspans; s++)
				uffd_protect(r->span[s][0], r->span[s][1]);
		}
		if (restores % HEAT_HALFLIFE == 0)
			for (size_t p = 0; p < np; p++)
				r->heat[p] >>= 1;
	}
}

/* KFUZZ_PAGES=N: at exit, the N pages the most inputs wrote, to see what
 * the reset costs. Every written page is then tracked (no hot pages), so
 * the counts are exact and the rate is not the fuzzer's usual one. */
static unsigned census_top;

static void census_print(void)
{
	fprintf(stderr, "kfuzz: the %u pages the most of %lu inputs wrote (kernel data: address as in `nm`)\n",
	        census_top, restores);
	for (unsigned n = 0; n < census_top; n++) {
		struct region *best = NULL;
		size_t bi = 0;
		for (unsigned i = 0; i < nregions; i++)
			for (size_t p = 0; p < region_pages(&regions[i]); p++)
				if (!best || regions[i].census[p] > best->census[bi]) {
					best = &regions[i];
					bi = p;
				}
		if (!best || !best->census[bi])
			break;
		if (best == &regions[0])
			fprintf(stderr, "  %5.1f%%  RAM     phys %#zx\n", 100.0 * best->census[bi] / restores,
			        bi * PAGE);
		else if (best == &regions[1])
			fprintf(stderr, "  %5.1f%%  data    %#lx\n", 100.0 * best->census[bi] / restores,
			        (unsigned long)(best->lo + bi * PAGE - (uintptr_t)__executable_start));
		else /* ASan's shadow of RAM or of the data */
			fprintf(stderr, "  %5.1f%%  shadow  %p\n", 100.0 * best->census[bi] / restores,
			        (void *)(best->lo + bi * PAGE));
		best->census[bi] = 0;
	}
}

static void census_setup(void)
{
	const char *n = getenv("KFUZZ_PAGES");

	if (!n || !*n)
		return;
	census_top = (unsigned)atoi(n);
	for (unsigned i = 0; i < nregions; i++) {
		regions[i].census = calloc(region_pages(&regions[i]), sizeof(uint32_t));
		if (!regions[i].census) {
			fprintf(stderr, "kfuzz: no memory for KFUZZ_PAGES\n");
			abort();
		}
	}
	atexit(census_print);
}

/* KFUZZ_VERIFY=1: after every restore, every region is compared with its
 * copy and the first word that differs aborts the run: a reset that missed
 * a write (a page neither tracked nor hot, a write through some other
 * mapping) would otherwise show up only as inputs that do not reproduce.
 * `repe cmpsq`, for the reason raw_copy uses `rep movsb`. */
static bool verify;

/* Offset of the first 8-byte word at which a and b differ, or n. */
static size_t raw_first_difference(const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a, *pb = b;
	size_t left = n / 8;
	bool differ;

	if (left == 0)
		return n;
	__asm__ volatile("repe cmpsq\n\tsetne %3" : "+S"(pa), "+D"(pb), "+c"(left), "=q"(differ) : : "memory", "cc");
	return differ ? (size_t)(pa - (const uint8_t *)a) - 8 : n;
}

static void verify_regions(void)
{
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		size_t off = raw_first_difference(r->start, r->copy, r->len);
		if (off < r->len) {
			fprintf(stderr,
			        "kfuzz: KFUZZ_VERIFY: the reset left region %u (%p, %zu bytes) different from the "
			        "snapshot at offset %#zx (page %p)\n",
			        i, (void *)r->start, r->len, off, (void *)(((uintptr_t)r->start + off) & ~(PAGE - 1)));
			abort();
		}
	}
}

/* ---- fallback: RAM read-only, a SIGSEGV per first write to a page ---- */

static struct region *ram_shadow;
static uint8_t *ram, *dirty; /* one byte per RAM page */
static size_t ram_pages, ndirty;
static uint32_t *dirty_list;
static struct sigaction chained;

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

static void mprotect_setup(void)
{
	struct sigaction sa;

	dirty = calloc(ram_pages, 1);
	dirty_list = malloc(ram_pages * sizeof(*dirty_list));
	if (!dirty || !dirty_list) {
		fprintf(stderr, "kfuzz: no memory for the snapshot\n");
		abort();
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &chained) != 0 || mprotect(ram, ram_pages * PAGE, PROT_READ) != 0) {
		perror("kfuzz: cannot track writes to RAM");
		abort();
	}
}

static size_t mprotect_restore(void)
{
	size_t pages = ndirty;

	for (size_t i = 0; i < ndirty; i++) {
		uintptr_t a = (uintptr_t)ram + dirty_list[i] * PAGE;
		restore_range(&regions[0], a, a + PAGE);
		if (ram_shadow)
			restore_range(ram_shadow, (uintptr_t)shadow_of((void *)a),
			              (uintptr_t)shadow_of((void *)a) + PAGE / 8);
		mprotect((void *)a, PAGE, PROT_READ);
		dirty[dirty_list[i]] = 0;
	}
	ndirty = 0;
	/* The rest (kernel data, boot stack, shadows) whole. */
	for (unsigned r = 1; r < nregions; r++)
		if (&regions[r] != ram_shadow)
			raw_copy(regions[r].start, regions[r].copy, regions[r].len);
	return pages;
}

void kfuzz_snapshot_take(void)
{
	size_t kdata = (size_t)(__kfuzz_data_end - __kfuzz_data_start);
	struct region *r;

	ram = plat_phys_to_virt(0);
	ram_pages = hosted_ram_size() / PAGE;
	r = add_region(ram, ram_pages * PAGE); /* first: uffd_setup probes it */
	exclude_spans(r);
	add_region(__kfuzz_data_start, kdata);
	verify = kfuzz_env_flag("KFUZZ_VERIFY");
	if (__asan_init) {
		ram_shadow = add_region(shadow_of(ram), ram_pages * PAGE / 8);
		add_region(shadow_of(__kfuzz_data_start), kdata / 8);
	}
	if (uffd_setup()) {
		/* RAM is a memfd: a second mapping of it writes the pages without
		 * passing through the write-protected one. */
		r->alias = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, hosted_ram_fd, 0);
		if (r->alias == MAP_FAILED)
			r->alias = NULL;
		census_setup();
		return;
	}
	mprotect_setup();
}

void kfuzz_snapshot_restore(void)
{
	size_t pages = 0;

	hook_restored = 0;
	if (restore_hook)
		restore_hook();
	if (uffd < 0) {
		last_restored = mprotect_restore();
	} else {
		for (unsigned i = 0; i < nregions; i++)
			pages += uffd_restore(&regions[i]);
		uffd_age();
		last_restored = pages + hook_restored;
	}
	if (verify)
		verify_regions();
}

size_t kfuzz_snapshot_dirty_pages(void)
{
	return last_restored;
}

const char *kfuzz_snapshot_method(void)
{
	return uffd >= 0 ? "userfaultfd-wp + PAGEMAP_SCAN" : "mprotect + SIGSEGV";
}
