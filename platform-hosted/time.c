/* Hosted time. Real: the host's monotonic clock. Virtual: a counter that
 * moves a fixed amount at every delivery point and jumps to the next timer
 * deadline when every CPU is idle, so a run depends only on what the
 * kernel does (exactly, with one CPU). */
#include "hosted.h"

#include <plat/time.h>
#include <time.h>

#include "../sim/sim.h"

#define VT_DELIVERY_POINT_NS 50 /* the cost charged for a delivery point */
#define VT_READ_NS 1            /* reading the clock moves it, so it can never stall */

static uint64_t boot_ns;
static int64_t boot_wallclock_ns;
/* Virtual time must not depend on the host: a fixed date (2026-01-01). */
#define VIRTUAL_EPOCH_NS (1767225600LL * 1000000000LL)
static volatile uint64_t vt_now;

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void hosted_time_init(void)
{
	struct timespec rt;

	boot_ns = host_ns();
	vt_now = 0;
	clock_gettime(CLOCK_REALTIME, &rt);
	boot_wallclock_ns = (int64_t)rt.tv_sec * 1000000000LL + rt.tv_nsec - (int64_t)(host_ns() - boot_ns);
}

int64_t plat_wallclock_at_boot_ns(void)
{
	return hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL ? VIRTUAL_EPOCH_NS : boot_wallclock_ns;
}

ktime_t plat_time_ns(void)
{
	if (hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL) {
		ktime_t now = __atomic_add_fetch(&vt_now, VT_READ_NS, __ATOMIC_SEQ_CST);
		hosted_wake_expired_halted(now);
		return now;
	}
	return host_ns() - boot_ns;
}

uint64_t plat_tsc_read(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#else
	return 0;
#endif
}

/* The host TSC against the host's monotonic clock over a few ms, once.
 * Virtual time has no rate to give (and must not depend on the host). */
uint64_t plat_tsc_khz(void)
{
	static uint64_t khz;

	if (hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL)
		return 0;
#if defined(__x86_64__)
	if (!__atomic_load_n(&khz, __ATOMIC_ACQUIRE)) {
		uint64_t t0 = host_ns(), c0 = plat_tsc_read(), t1, c1;

		do {
			t1 = host_ns();
		} while (t1 - t0 < 5000000);
		c1 = plat_tsc_read();
		__atomic_store_n(&khz, (c1 - c0) * 1000000 / (t1 - t0), __ATOMIC_RELEASE);
	}
#endif
	return khz;
}

ktime_t hosted_time_peek(void)
{
	if (hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL)
		return __atomic_load_n(&vt_now, __ATOMIC_SEQ_CST);
	return host_ns() - boot_ns;
}

void hosted_time_tick(void)
{
	if (hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL)
		hosted_wake_expired_halted(__atomic_add_fetch(&vt_now, VT_DELIVERY_POINT_NS, __ATOMIC_SEQ_CST));
}

void hosted_time_advance_to(ktime_t t)
{
	uint64_t cur = __atomic_load_n(&vt_now, __ATOMIC_SEQ_CST);
	while (cur < t && !__atomic_compare_exchange_n(&vt_now, &cur, t, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

void plat_timer_oneshot(ktime_t deadline)
{
	irqchip_set_deadline(sim_irqchip(), plat_cpu_id(), deadline);
}
