/* Local APIC, xAPIC mode. The timer counts on a 1 GHz bus clock divided by
 * TDCR, so its current count is computed from hv_clock time; an hv_timer
 * is armed only when an interrupt will come out of it (unmasked LVT). */
#include <hv/dev/lapic.h>
#include <kern/errno.h>
#include <kern/string.h>

enum {
	REG_ID = 0x20,
	REG_VERSION = 0x30,
	REG_TPR = 0x80,
	REG_APR = 0x90,
	REG_PPR = 0xa0,
	REG_EOI = 0xb0,
	REG_RRD = 0xc0,
	REG_LDR = 0xd0,
	REG_DFR = 0xe0,
	REG_SVR = 0xf0,
	REG_ISR = 0x100,
	REG_TMR = 0x180,
	REG_IRR = 0x200,
	REG_ESR = 0x280,
	REG_ICR_LO = 0x300,
	REG_ICR_HI = 0x310,
	REG_LVT = 0x320, /* timer, thermal, perf, LINT0, LINT1, error at 16-byte strides */
	REG_TICR = 0x380,
	REG_TCCR = 0x390,
	REG_TDCR = 0x3e0,
};

#define VERSION_VALUE           (0x14u | ((LVT_COUNT - 1u) << 16))
#define SVR_ENABLE              (1u << 8)
#define LVT_MASKED              (1u << 16)
#define LVT_LEVEL               (1u << 15)
#define TIMER_MODE(lvt)         (((lvt) >> 17) & 3)
#define TIMER_ONESHOT           0
#define TIMER_PERIODIC          1
#define TIMER_TSC_DEADLINE      2
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER    (1u << 7)
/* Periodic interrupts no faster than this (a guest cannot make the host
 * spin on its timer; KVM has the same kind of floor). */
#define MIN_PERIOD_NS 50000ULL

static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = 0xff | LVT_MASKED | (3u << 17),
    [LVT_THERMAL] = 0x7ff | LVT_MASKED,
    [LVT_PERF] = 0x7ff | LVT_MASKED,
    [LVT_LINT0] = 0x7ff | (1u << 13) | LVT_LEVEL | LVT_MASKED,
    [LVT_LINT1] = 0x7ff | (1u << 13) | LVT_MASKED, /* LINT1 is edge only */
    [LVT_ERROR] = 0xff | LVT_MASKED,
};

static bool test_bit(const uint32_t *v, unsigned n)
{
	return v[n >> 5] & (1u << (n & 31));
}

static void set_bit(uint32_t *v, unsigned n)
{
	v[n >> 5] |= 1u << (n & 31);
}

static void clear_bit(uint32_t *v, unsigned n)
{
	v[n >> 5] &= ~(1u << (n & 31));
}

static int highest_bit(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--)
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

static ktime_t now(const struct hv_lapic *a)
{
	return a->clk->now(a->clk->ctx);
}

bool hv_lapic_hw_enabled(const struct hv_lapic *a)
{
	return a->apic_base & APIC_BASE_ENABLE;
}

bool hv_lapic_sw_enabled(const struct hv_lapic *a)
{
	return hv_lapic_hw_enabled(a) && (a->svr & SVR_ENABLE);
}

uint32_t hv_lapic_ppr(const struct hv_lapic *a)
{
	int isrv = highest_bit(a->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

int hv_lapic_pending(const struct hv_lapic *a)
{
	int irrv;

	if (!hv_lapic_hw_enabled(a))
		return -1;
	irrv = highest_bit(a->irr);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (hv_lapic_ppr(a) & 0xf0))
		return -1;
	return irrv;
}

static void kick(struct hv_lapic *a)
{
	if (a->ops && a->ops->kick)
		a->ops->kick(a->ctx, a->cpu);
}

static void signal_error(struct hv_lapic *a, uint32_t bits)
{
	uint32_t lvt = a->lvt[LVT_ERROR];

	a->esr_pending |= bits;
	/* An error vector below 16 would only report another error. */
	if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16 && hv_lapic_sw_enabled(a)) {
		set_bit(a->irr, lvt & 0xff);
		clear_bit(a->tmr, lvt & 0xff);
		kick(a);
	}
}

void hv_lapic_accept(struct hv_lapic *a, const struct hv_apic_irq *irq)
{
	if (!hv_lapic_hw_enabled(a))
		return;
	switch (irq->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!hv_lapic_sw_enabled(a))
			return;
		if (irq->vector < 16) {
			signal_error(a, ESR_RECV_ILLEGAL_VECTOR);
			return;
		}
		set_bit(a->irr, irq->vector);
		if (irq->level)
			set_bit(a->tmr, irq->vector);
		else
			clear_bit(a->tmr, irq->vector);
		kick(a);
		break;
	case APIC_DM_NMI:
		a->nmi_pending = true;
		kick(a);
		break;
	case APIC_DM_EXTINT:
		a->extint_pending = true;
		kick(a);
		break;
	default: /* SMI unsupported; INIT and SIPI are the owner's */ break;
	}
}

void hv_lapic_ack(struct hv_lapic *a, int vector)
{
	if (vector < 16 || vector > 255 || !test_bit(a->irr, (unsigned)vector))
		return;
	clear_bit(a->irr, (unsigned)vector);
	set_bit(a->isr, (unsigned)vector);
}

static void deliver_lvt(struct hv_lapic *a, unsigned idx)
{
	uint32_t lvt = a->lvt[idx];
	struct hv_apic_irq irq = {.vector = (uint8_t)lvt, .assert = true};

	if (lvt & LVT_MASKED)
		return;
	if (idx != LVT_TIMER && idx != LVT_ERROR)
		irq.delivery = (lvt >> 8) & 7;
	irq.level = idx == LVT_LINT0 && (lvt & LVT_LEVEL);
	hv_lapic_accept(a, &irq);
}

void hv_lapic_lint(struct hv_lapic *a, unsigned lint, bool level)
{
	uint32_t lvt;

	if (lint > 1 || !level)
		return;
	lvt = a->lvt[LVT_LINT0 + lint];
	/* ExtINT is read from the PIC by the owner when the CPU is ready. */
	if (((lvt >> 8) & 7) == APIC_DM_EXTINT) {
		if (!(lvt & LVT_MASKED))
			kick(a);
		return;
	}
	deliver_lvt(a, LVT_LINT0 + lint);
}

/* Timer. */

static uint64_t timer_period_ns(const struct hv_lapic *a)
{
	return (uint64_t)a->ticr * a->divide;
}

static uint32_t current_count(const struct hv_lapic *a)
{
	uint64_t ticks;

	if (!a->ticr || TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE)
		return 0;
	ticks = (now(a) - a->timer_start) / a->divide;
	if (TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_PERIODIC)
		return a->ticr - (uint32_t)(ticks % a->ticr);
	return ticks >= a->ticr ? 0 : a->ticr - (uint32_t)ticks;
}

static void timer_cancel(struct hv_lapic *a)
{
	if (a->timer_armed)
		a->clk->cancel(a->clk->ctx, &a->timer);
	a->timer_armed = false;
}

static void timer_arm(struct hv_lapic *a, ktime_t deadline)
{
	a->timer_deadline = deadline;
	a->timer_armed = true;
	a->clk->arm(a->clk->ctx, &a->timer, deadline);
}

static uint64_t guest_tsc(const struct hv_lapic *a, ktime_t t)
{
	return a->ops && a->ops->tsc_at ? a->ops->tsc_at(a->ctx, t) : t;
}

/* The next time the timer counts down to zero after `t`, or 0 for never. */
static ktime_t next_expiry(struct hv_lapic *a, ktime_t t)
{
	uint64_t period;

	switch (TIMER_MODE(a->lvt[LVT_TIMER])) {
	case TIMER_TSC_DEADLINE:
		if (!a->tsc_deadline)
			return 0;
		if (guest_tsc(a, t) >= a->tsc_deadline)
			return t;
		return a->ops && a->ops->time_of_tsc ? a->ops->time_of_tsc(a->ctx, a->tsc_deadline) : a->tsc_deadline;
	case TIMER_PERIODIC:
		if (!a->ticr)
			return 0;
		period = MAX(timer_period_ns(a), MIN_PERIOD_NS);
		return a->timer_start + ((t - a->timer_start) / period + 1) * period;
	case TIMER_ONESHOT:
		if (!a->ticr || a->oneshot_fired)
			return 0;
		return a->timer_start + timer_period_ns(a);
	}
	return 0;
}

/* Brings the expired one-shot and deadline timers up to date (they fire
 * only once, even when masked). */
static void timer_catch_up(struct hv_lapic *a, ktime_t t)
{
	ktime_t e;

	if (TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_PERIODIC)
		return;
	e = next_expiry(a, t);
	if (e && e <= t) {
		a->oneshot_fired = true;
		if (TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE)
			a->tsc_deadline = 0;
	}
}

static void timer_update(struct hv_lapic *a)
{
	ktime_t t, e;

	timer_cancel(a);
	if (!hv_lapic_hw_enabled(a) || (a->lvt[LVT_TIMER] & LVT_MASKED))
		return;
	t = now(a);
	e = next_expiry(a, t);
	if (e)
		timer_arm(a, e);
}

static void timer_fired(struct hv_timer *tm)
{
	struct hv_lapic *a = tm->arg;

	a->timer_armed = false;
	a->timer_fires++;
	switch (TIMER_MODE(a->lvt[LVT_TIMER])) {
	case TIMER_ONESHOT: a->oneshot_fired = true; break;
	case TIMER_TSC_DEADLINE: a->tsc_deadline = 0; break;
	}
	deliver_lvt(a, LVT_TIMER);
	timer_update(a);
}

static void set_divide(struct hv_lapic *a, uint32_t v)
{
	unsigned code = ((v & 8) >> 1) | (v & 3);
	uint32_t count = current_count(a);
	ktime_t t = now(a);

	a->tdcr = v & 0xb;
	a->divide = code == 7 ? 1 : 2u << code;
	/* The count goes on from where it is, at the new rate. */
	if (a->ticr && count)
		a->timer_start = t - (uint64_t)(a->ticr - count) * a->divide;
	timer_update(a);
}

static void write_lvt(struct hv_lapic *a, unsigned idx, uint32_t v)
{
	uint32_t old = a->lvt[idx];

	v &= lvt_writable[idx];
	if (idx == LVT_TIMER) {
		if (TIMER_MODE(v) == 3) /* reserved: keep the mode */
			v = (v & ~(3u << 17)) | (old & (3u << 17));
		timer_catch_up(a, now(a));
		if (TIMER_MODE(v) != TIMER_MODE(old)) {
			/* Switching modes stops the timer. */
			a->ticr = 0;
			a->tsc_deadline = 0;
			a->oneshot_fired = false;
		}
	}
	if (!hv_lapic_sw_enabled(a))
		v |= LVT_MASKED;
	a->lvt[idx] = v;
	if (idx == LVT_TIMER)
		timer_update(a);
}

static void power_on_state(struct hv_lapic *a)
{
	timer_cancel(a);
	memset(a->irr, 0, sizeof(a->irr));
	memset(a->isr, 0, sizeof(a->isr));
	memset(a->tmr, 0, sizeof(a->tmr));
	a->tpr = a->ldr = a->esr = a->esr_pending = a->icr_lo = a->icr_hi = 0;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		a->lvt[i] = LVT_MASKED;
	/* The BSP starts in virtual-wire mode: the PIC through LINT0. */
	if (a->apic_base & APIC_BASE_BSP)
		a->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
	a->ticr = 0;
	a->tdcr = 0;
	a->divide = 2;
	a->timer_start = 0;
	a->oneshot_fired = false;
	a->tsc_deadline = 0;
	a->nmi_pending = a->extint_pending = false;
}

void hv_lapic_init(struct hv_lapic *a, unsigned cpu, bool bsp, const struct hv_clock *clk,
                   const struct hv_lapic_ops *ops, void *ctx)
{
	memset(a, 0, sizeof(*a));
	a->cpu = cpu;
	a->id = (uint8_t)cpu;
	a->clk = clk;
	a->ops = ops;
	a->ctx = ctx;
	a->timer.fn = timer_fired;
	a->timer.arg = a;
	a->apic_base = HV_LAPIC_BASE | APIC_BASE_ENABLE | (bsp ? APIC_BASE_BSP : 0);
	power_on_state(a);
}

void hv_lapic_reset(struct hv_lapic *a)
{
	power_on_state(a);
}

void hv_lapic_destroy(struct hv_lapic *a)
{
	timer_cancel(a);
}

bool hv_lapic_match_dest(const struct hv_lapic *a, bool logical, uint8_t dest)
{
	uint8_t ldr = (uint8_t)(a->ldr >> 24);

	if (!logical)
		return dest == 0xff || dest == a->id;
	if (dest == 0xff)
		return true;
	if ((a->dfr >> 28) == 0xf) /* flat model: one bit per CPU */
		return ldr & dest;
	/* Cluster model: high nibble cluster, low nibble members. */
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static void write_eoi(struct hv_lapic *a)
{
	int v = highest_bit(a->isr);

	if (v < 0)
		return;
	clear_bit(a->isr, (unsigned)v);
	if (test_bit(a->tmr, (unsigned)v) && a->ops && a->ops->eoi)
		a->ops->eoi(a->ctx, (uint8_t)v);
	if (hv_lapic_pending(a) >= 0)
		kick(a);
}

static void write_icr(struct hv_lapic *a, uint32_t v)
{
	struct hv_apic_irq irq;

	a->icr_lo = v & 0x000ccfff; /* delivery status (bit 12) stays idle */
	irq = (struct hv_apic_irq){
	    .vector = (uint8_t)v,
	    .delivery = (v >> 8) & 7,
	    .logical = v & (1u << 11),
	    .assert = v & (1u << 14),
	    .level = v & (1u << 15),
	    .shorthand = (v >> 18) & 3,
	    .dest = (uint8_t)(a->icr_hi >> 24),
	};
	switch (irq.delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (irq.vector < 16) {
			signal_error(a, ESR_SEND_ILLEGAL_VECTOR);
			return;
		}
		break;
	case APIC_DM_NMI:
	case APIC_DM_INIT:
	case APIC_DM_SIPI: break;
	default: /* SMI, ExtINT and the reserved modes are not sent */ return;
	}
	if (a->ops && a->ops->send)
		a->ops->send(a->ctx, a->cpu, &irq);
}

static bool irr_region(unsigned offset, unsigned base)
{
	return offset >= base && offset < base + 0x80;
}

uint32_t hv_lapic_read(struct hv_lapic *a, unsigned offset)
{
	offset &= 0xff0;
	if (irr_region(offset, REG_ISR))
		return a->isr[(offset - REG_ISR) >> 4];
	if (irr_region(offset, REG_TMR))
		return a->tmr[(offset - REG_TMR) >> 4];
	if (irr_region(offset, REG_IRR))
		return a->irr[(offset - REG_IRR) >> 4];
	if (offset >= REG_LVT && offset < REG_LVT + 0x10 * LVT_COUNT)
		return a->lvt[(offset - REG_LVT) >> 4];
	switch (offset) {
	case REG_ID: return (uint32_t)a->id << 24;
	case REG_VERSION: return VERSION_VALUE;
	case REG_TPR: return a->tpr;
	case REG_APR:
	case REG_RRD:
	case REG_EOI: return 0;
	case REG_PPR: return hv_lapic_ppr(a);
	case REG_LDR: return a->ldr;
	case REG_DFR: return a->dfr;
	case REG_SVR: return a->svr;
	case REG_ESR: return a->esr;
	case REG_ICR_LO: return a->icr_lo;
	case REG_ICR_HI: return a->icr_hi;
	case REG_TICR: return a->ticr;
	case REG_TCCR: return current_count(a);
	case REG_TDCR: return a->tdcr;
	}
	signal_error(a, ESR_ILLEGAL_REGISTER);
	return 0;
}

void hv_lapic_write(struct hv_lapic *a, unsigned offset, uint32_t v)
{
	offset &= 0xff0;
	if (offset >= REG_LVT && offset < REG_LVT + 0x10 * LVT_COUNT) {
		write_lvt(a, (offset - REG_LVT) >> 4, v);
		return;
	}
	if (irr_region(offset, REG_ISR) || irr_region(offset, REG_TMR) || irr_region(offset, REG_IRR))
		return; /* read-only */
	switch (offset) {
	case REG_ID: a->id = (uint8_t)(v >> 24); break;
	case REG_TPR:
		a->tpr = v & 0xff;
		if (hv_lapic_pending(a) >= 0)
			kick(a);
		break;
	case REG_EOI: write_eoi(a); break;
	case REG_LDR: a->ldr = v & 0xff000000; break;
	case REG_DFR: a->dfr = (v & 0xf0000000) | 0x0fffffff; break;
	case REG_SVR:
		a->svr = v & 0x3ff;
		if (!(a->svr & SVR_ENABLE)) {
			for (unsigned i = 0; i < LVT_COUNT; i++)
				a->lvt[i] |= LVT_MASKED;
			timer_update(a);
		}
		break;
	case REG_ESR:
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case REG_ICR_HI: a->icr_hi = v & 0xff000000; break;
	case REG_ICR_LO: write_icr(a, v); break;
	case REG_TICR:
		if (TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE)
			break;
		a->ticr = v;
		a->timer_start = now(a);
		a->oneshot_fired = false;
		timer_update(a);
		break;
	case REG_TDCR: set_divide(a, v); break;
	case REG_VERSION:
	case REG_APR:
	case REG_PPR:
	case REG_RRD:
	case REG_TCCR: break; /* read-only */
	default: signal_error(a, ESR_ILLEGAL_REGISTER); break;
	}
}

int hv_lapic_msr_read(struct hv_lapic *a, uint32_t index, uint64_t *value)
{
	switch (index) {
	case MSR_IA32_APIC_BASE: *value = a->apic_base; return 0;
	case MSR_IA32_TSC_DEADLINE:
		timer_catch_up(a, now(a));
		*value = TIMER_MODE(a->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE ? a->tsc_deadline : 0;
		return 0;
	}
	/* x2APIC registers #GP: x2APIC mode is never enabled. */
	if (index >= 0x800 && index <= 0x8ff)
		return -EINVAL;
	return -ENOENT;
}

#define APIC_BASE_RESERVED (0xffULL | (1ULL << 9) | (0xfffULL << 52))

static int write_apic_base(struct hv_lapic *a, uint64_t v)
{
	bool was = hv_lapic_hw_enabled(a);

	if ((v & APIC_BASE_RESERVED) || (v & APIC_BASE_X2APIC))
		return -EINVAL;
	/* Relocation is refused: nothing on a PC moves it. */
	if ((v & ~0xfffULL) != HV_LAPIC_BASE)
		return -EINVAL;
	a->apic_base = (v & ~APIC_BASE_BSP) | (a->apic_base & APIC_BASE_BSP);
	if (was && !(v & APIC_BASE_ENABLE)) {
		/* A disabled APIC loses its state (SDM 10.4.3). */
		power_on_state(a);
		a->lvt[LVT_LINT0] = LVT_MASKED;
	}
	return 0;
}

int hv_lapic_msr_write(struct hv_lapic *a, uint32_t index, uint64_t value)
{
	switch (index) {
	case MSR_IA32_APIC_BASE: return write_apic_base(a, value);
	case MSR_IA32_TSC_DEADLINE:
		if (TIMER_MODE(a->lvt[LVT_TIMER]) != TIMER_TSC_DEADLINE)
			return 0; /* ignored in the other modes */
		a->tsc_deadline = value;
		a->oneshot_fired = false;
		timer_update(a);
		return 0;
	}
	if (index >= 0x800 && index <= 0x8ff)
		return -EINVAL;
	return -ENOENT;
}
