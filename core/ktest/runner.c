#include <kern/ktest.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/sync.h>
#include <plat/cpu.h>
#include <plat/time.h>

#define KTEST_DEFAULT_TIMEOUT_NS (120ULL * 1000000000ULL)
#define SETTLE_TRIES 100

extern const struct ktest __start_ktests[] __attribute__((visibility("hidden")));
extern const struct ktest __stop_ktests[] __attribute__((visibility("hidden")));

void ktest_fail(struct ktest_ctx *kt, const char *file, int line, const char *fmt, ...)
{
	static spinlock_t fail_lock = SPINLOCK_INIT("ktest-fail");
	va_list ap;

	spin_lock(&fail_lock);
	if (!kt->failed) {
		int n = ksnprintf(kt->msg, sizeof(kt->msg), "%s:%d: ", file, line);
		va_start(ap, fmt);
		kvsnprintf(kt->msg + n, sizeof(kt->msg) - (size_t)n, fmt, ap);
		va_end(ap);
		kt->failed = true;
	}
	spin_unlock(&fail_lock);
}

void ktest_skip(struct ktest_ctx *kt, const char *why)
{
	kt->skipped = true;
	kstrlcpy(kt->msg, why, sizeof(kt->msg));
}

static bool matches(const char *name, const char *filter)
{
	size_t n = strlen(filter);

	if (strcmp(filter, "all") == 0 || strcmp(filter, name) == 0)
		return true;
	return n > 0 && filter[n - 1] == '*' && strncmp(name, filter, n - 1) == 0;
}

struct ktest_run {
	const struct ktest *t;
	struct ktest_ctx ctx;
	struct semaphore done;
};

static void ktest_thread(void *arg)
{
	struct ktest_run *r = arg;

	r->t->fn(&r->ctx);
	sem_up(&r->done);
}

/* Detached threads are freed by the next context switch on their CPU, so
 * give the accounting a moment to settle before calling it a leak. */
static bool accounting_settles(const struct page_stats *p0, const struct heap_stats *h0)
{
	for (int i = 0; i < SETTLE_TRIES; i++) {
		struct page_stats p;
		struct heap_stats h;
		page_stats(&p);
		heap_stats(&h);
		if (p.free_pages == p0->free_pages && h.live_objects == h0->live_objects)
			return true;
		thread_sleep_ns(1000000);
	}
	return false;
}

static uint64_t total_switches(void)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < plat_cpu_count(); c++) {
		struct sched_cpu_stats st;
		sched_cpu_stats(c, &st);
		n += st.switches;
	}
	return n;
}

enum ktest_result { KTEST_PASSED, KTEST_FAILED, KTEST_SKIPPED, KTEST_TIMED_OUT };

static enum ktest_result run_one(const struct ktest *t)
{
	struct ktest_run r;
	struct page_stats p0, p1;
	struct heap_stats h0, h1;
	struct thread *th;
	uint64_t timeout = t->timeout_ns ? t->timeout_ns : KTEST_DEFAULT_TIMEOUT_NS;

	ktime_t t0 = plat_time_ns();
	uint64_t sw0 = total_switches();

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.ctx.name = t->name;
	sem_init(&r.done, 0);
	page_stats(&p0);
	heap_stats(&h0);
	th = thread_create(ktest_thread, &r, t->name, SCHED_PRIO_DEFAULT, CPU_ANY, false);
	if (!th) {
		kprintf("KTEST FAIL %s: cannot create the test thread\n", t->name);
		return KTEST_FAILED;
	}
	if (!sem_down_timeout(&r.done, timeout)) {
		/* The thread may be stuck forever (a lost wake-up, a deadlock):
		 * report it and stop, since its state cannot be trusted. */
		kprintf("KTEST FAIL %s: timed out after %lu s\n", t->name, (unsigned long)(timeout / 1000000000ULL));
		return KTEST_TIMED_OUT;
	}
	thread_join(th);
	if (!r.ctx.failed && !sched_check_invariants())
		ktest_fail(&r.ctx, __FILE__, __LINE__, "scheduler invariants broken after the test");
	if (!r.ctx.failed && !page_alloc_check())
		ktest_fail(&r.ctx, __FILE__, __LINE__, "page allocator inconsistent after the test");
	if (!r.ctx.failed && !accounting_settles(&p0, &h0)) {
		page_stats(&p1);
		heap_stats(&h1);
		ktest_fail(&r.ctx, __FILE__, __LINE__, "leak: free pages %zu -> %zu, heap objects %zu -> %zu",
			   p0.free_pages, p1.free_pages, h0.live_objects, h1.live_objects);
	}
	/* A scheduling fingerprint for the log: identical between runs exactly
	 * when the runs were scheduled identically. */
	pr_info("ktest: %s ran %lu us, %lu context switches", t->name,
		(unsigned long)((plat_time_ns() - t0) / 1000), (unsigned long)(total_switches() - sw0));
	if (r.ctx.failed)
		kprintf("KTEST FAIL %s: %s\n", t->name, r.ctx.msg);
	else if (r.ctx.skipped)
		kprintf("KTEST SKIP %s: %s\n", t->name, r.ctx.msg);
	else
		kprintf("KTEST PASS %s\n", t->name);
	return r.ctx.failed ? KTEST_FAILED : r.ctx.skipped ? KTEST_SKIPPED : KTEST_PASSED;
}

#define KTEST_MAX 512

/* Tests run in name order, whatever order the linker placed them in. */
static unsigned sorted_tests(const struct ktest **out, const char *filter)
{
	unsigned n = 0;

	for (const struct ktest *t = __start_ktests; t < __stop_ktests && n < KTEST_MAX; t++) {
		unsigned i = n++;
		if (!matches(t->name, filter)) {
			n--;
			continue;
		}
		while (i > 0 && strcmp(out[i - 1]->name, t->name) > 0) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = t;
	}
	return n;
}

unsigned ktest_run(const char *filter)
{
	static const struct ktest *tests[KTEST_MAX];
	unsigned count = sorted_tests(tests, filter), pass = 0, fail = 0, skip = 0;

	kprintf("KTEST START count=%u cpus=%u\n", count, plat_cpu_count());
	for (unsigned i = 0; i < count; i++) {
		enum ktest_result res = run_one(tests[i]);
		if (res == KTEST_PASSED || res == KTEST_SKIPPED) {
			res == KTEST_PASSED ? pass++ : skip++;
			continue;
		}
		fail++;
		if (res == KTEST_TIMED_OUT) {
			kprintf("KTEST ABORT: a timed-out test leaves the kernel in an unknown state\n");
			break;
		}
	}
	if (skip)
		kprintf("KTEST DONE pass=%u fail=%u skip=%u\n", pass, fail, skip);
	else
		kprintf("KTEST DONE pass=%u fail=%u\n", pass, fail);
	return fail;
}

void ktest_list(void)
{
	static const struct ktest *tests[KTEST_MAX];
	unsigned count = sorted_tests(tests, "all");

	for (unsigned i = 0; i < count; i++)
		kprintf("%s\n", tests[i]->name);
}
