/* In-kernel self tests. Each KTEST() runs in its own kernel thread under a
 * watchdog; after it, the runner checks the scheduler's invariants and that
 * the page allocator and heap are back where they were.
 *
 * Output, identical on every platform, one line each:
 *   KTEST START count=N cpus=C
 *   KTEST PASS name
 *   KTEST FAIL name: message
 *   KTEST SKIP name: why (the platform lacks what the test needs)
 *   KTEST DONE pass=P fail=F
 *
 * Tests live in the `ktests` section; a bare-metal linker script must KEEP
 * it and define __start_ktests / __stop_ktests around it. */
#ifndef KERN_KTEST_H
#define KERN_KTEST_H
#include <kern/types.h>

struct ktest_ctx {
	const char *name;
	volatile bool failed;
	volatile bool skipped;
	char msg[160];
};

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *kt);
	uint64_t timeout_ns; /* 0: the runner's default */
};

#define KTEST_TIMEOUT(tname, timeout)                                                                 \
	static void ktest_fn_##tname(struct ktest_ctx *kt);                                           \
	static const struct ktest ktest_desc_##tname __attribute__((used, section("ktests"), aligned(8))) = { \
		#tname, ktest_fn_##tname, timeout};                                                   \
	static void ktest_fn_##tname(struct ktest_ctx *kt)
#define KTEST(tname) KTEST_TIMEOUT(tname, 0)

/* Marks the test skipped: only for a capability the platform reports it
 * lacks, never to hide a failure. */
void ktest_skip(struct ktest_ctx *kt, const char *why);
#define KT_SKIP_UNLESS(cond, why)           \
	do {                                \
		if (!(cond)) {              \
			ktest_skip(kt, why); \
			return;             \
		}                           \
	} while (0)

/* Records a failure (first one wins); safe from any thread. */
void ktest_fail(struct ktest_ctx *kt, const char *file, int line, const char *fmt, ...) PRINTF_LIKE(4, 5);

#define KT_ASSERT(cond)                                                       \
	do {                                                                  \
		if (!(cond)) {                                                \
			ktest_fail(kt, __FILE__, __LINE__, "%s", #cond);      \
			return;                                               \
		}                                                             \
	} while (0)
#define KT_ASSERT_EQ(a, b)                                                                            \
	do {                                                                                          \
		long long _a = (long long)(a), _b = (long long)(b);                                   \
		if (_a != _b) {                                                                       \
			ktest_fail(kt, __FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, _a, _b); \
			return;                                                                       \
		}                                                                                     \
	} while (0)
/* For helper threads that share a test's context. */
#define KT_CHECK(kt, cond)                                                    \
	do {                                                                  \
		if (!(cond))                                                  \
			ktest_fail(kt, __FILE__, __LINE__, "%s", #cond);      \
	} while (0)

/* Runs the tests whose names match `filter` ("all", a name, or a prefix
 * ending in '*'). Returns the number of failures. */
unsigned ktest_run(const char *filter);
/* Lists test names to the console. */
void ktest_list(void);
#endif
