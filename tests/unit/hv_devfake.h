/* Fakes for device-model tests: a clock whose time the test advances
 * (armed timers fire, in deadline order, as time passes them), an
 * interrupt-line recorder, and a fixed-seed PRNG. */
#ifndef TESTS_UNIT_HV_DEVFAKE_H
#define TESTS_UNIT_HV_DEVFAKE_H
#include <check.h>
#include <hv/dev/devsvc.h>
#include <string.h>

#define FAKE_TIMERS 32

struct fake_clock {
	ktime_t now;
	struct hv_timer *armed[FAKE_TIMERS];
	ktime_t deadline[FAKE_TIMERS];
	unsigned fired;
	struct hv_clock clk;
};

static inline ktime_t fake_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->now;
}

static inline void fake_cancel(void *ctx, struct hv_timer *t)
{
	struct fake_clock *c = ctx;

	for (unsigned i = 0; i < FAKE_TIMERS; i++)
		if (c->armed[i] == t)
			c->armed[i] = NULL;
}

static inline void fake_arm(void *ctx, struct hv_timer *t, ktime_t deadline)
{
	struct fake_clock *c = ctx;

	fake_cancel(ctx, t);
	for (unsigned i = 0; i < FAKE_TIMERS; i++) {
		if (!c->armed[i]) {
			c->armed[i] = t;
			c->deadline[i] = deadline;
			return;
		}
	}
	ck_abort_msg("fake clock: too many timers");
}

static inline void fake_clock_init(struct fake_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->clk.now = fake_now;
	c->clk.arm = fake_arm;
	c->clk.cancel = fake_cancel;
	c->clk.ctx = c;
}

/* Moves time to `to`, firing every timer due on the way at its deadline. */
static inline void fake_clock_run_to(struct fake_clock *c, ktime_t to)
{
	for (;;) {
		int best = -1;

		for (int i = 0; i < FAKE_TIMERS; i++)
			if (c->armed[i] && c->deadline[i] <= to && (best < 0 || c->deadline[i] < c->deadline[best]))
				best = i;
		if (best < 0)
			break;
		struct hv_timer *t = c->armed[best];

		c->armed[best] = NULL;
		if (c->deadline[best] > c->now)
			c->now = c->deadline[best];
		c->fired++;
		t->fn(t);
	}
	if (to > c->now)
		c->now = to;
}

static inline void fake_clock_advance(struct fake_clock *c, ktime_t ns)
{
	fake_clock_run_to(c, c->now + ns);
}

static inline bool fake_clock_armed(const struct fake_clock *c, const struct hv_timer *t, ktime_t *deadline)
{
	for (unsigned i = 0; i < FAKE_TIMERS; i++) {
		if (c->armed[i] == t) {
			if (deadline)
				*deadline = c->deadline[i];
			return true;
		}
	}
	return false;
}

#define FAKE_GSIS 24

struct fake_irq {
	bool level[FAKE_GSIS];
	unsigned rises[FAKE_GSIS];
	ktime_t last_rise[FAKE_GSIS];
	struct fake_clock *clock; /* optional, to time rises */
	unsigned msis;
	struct hv_irq irq;
};

static inline void fake_set_gsi(void *ctx, unsigned gsi, bool level)
{
	struct fake_irq *f = ctx;

	ck_assert_uint_lt(gsi, FAKE_GSIS);
	if (level && !f->level[gsi]) {
		f->rises[gsi]++;
		f->last_rise[gsi] = f->clock ? f->clock->now : 0;
	}
	f->level[gsi] = level;
}

static inline void fake_msi(void *ctx, uint64_t addr, uint32_t data)
{
	((struct fake_irq *)ctx)->msis++;
}

static inline void fake_irq_init(struct fake_irq *f, struct fake_clock *c)
{
	memset(f, 0, sizeof(*f));
	f->clock = c;
	f->irq.set_gsi = fake_set_gsi;
	f->irq.msi = fake_msi;
	f->irq.ctx = f;
}

/* xorshift64*: fixed seeds give the same access sequence every run. */
static inline uint64_t fake_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}
#endif
