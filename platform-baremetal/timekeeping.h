/* TSC-based time. */
#ifndef BAREMETAL_TIMEKEEPING_H
#define BAREMETAL_TIMEKEEPING_H
#include <kern/types.h>

/* Calibrates the TSC against the PIT and starts the clock at zero. */
void tsc_calibrate(void);
/* Busy-waits `ns` nanoseconds on the calibrated clock. */
void delay_ns(uint64_t ns);
#endif
