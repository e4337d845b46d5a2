/* Platform interface: time.
 * Time is nanoseconds since boot. On bare metal it is the calibrated TSC or
 * LAPIC; hosted, either the host's monotonic clock (--time=real) or a
 * deterministic virtual clock (--time=virtual). */
#ifndef PLAT_TIME_H
#define PLAT_TIME_H
#include <kern/types.h>

ktime_t plat_time_ns(void);

/* The CPU's time-stamp counter, which hardware-virtualized guests read
 * (plus their offset) without exiting: its value now and its rate in kHz.
 * plat_tsc_khz() is 0 when the platform has no TSC it can rate (hosted
 * with virtual time, other architectures): then plat_tsc_read() means
 * nothing. */
uint64_t plat_tsc_read(void);
uint64_t plat_tsc_khz(void);

/* Wall-clock time (ns since the Unix epoch, UTC) at the moment
 * plat_time_ns() was 0, or 0 if the platform has no clock to ask. */
int64_t plat_wallclock_at_boot_ns(void);

/* Arms this CPU's one-shot timer: kernel_timer_interrupt() runs on this CPU
 * once plat_time_ns() >= deadline (immediately if already past). A new call
 * replaces the previous deadline; deadline 0 disarms. */
void plat_timer_oneshot(ktime_t deadline);

#endif
