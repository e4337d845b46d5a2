/* Offsets into struct cpu_local that assembly reaches through %gs
 * (percpu.c checks them against the structure). */
#ifndef BAREMETAL_PERCPU_OFFSETS_H
#define BAREMETAL_PERCPU_OFFSETS_H

#define PERCPU_USER_KERNEL_RSP 8
#define PERCPU_USER_RSP_SCRATCH 16
#define PERCPU_USER_REGS 24
#define PERCPU_TSS_RSP0 32

#endif
