/* Local APIC (xAPIC, MMIO at 0xfee00000; no x2APIC), one per vCPU: the
 * 256-bit IRR/ISR/TMR, task and processor priority, EOI (broadcast to the
 * IOAPIC for level-triggered vectors), logical/physical addressing, the
 * interrupt command register, the local vector table and the timer in
 * one-shot, periodic and TSC-deadline modes. Interrupts between LAPICs
 * (IPIs) and from the IOAPIC or MSIs are routed by the owner (hv_intc),
 * which calls hv_lapic_accept on the destination. */
#ifndef HV_DEV_LAPIC_H
#define HV_DEV_LAPIC_H
#include <hv/dev/devsvc.h>
#include <kern/types.h>

#define HV_LAPIC_BASE 0xfee00000ULL
#define HV_LAPIC_SIZE 0x1000

#define MSR_IA32_APIC_BASE    0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define APIC_BASE_BSP         (1ULL << 8)
#define APIC_BASE_X2APIC      (1ULL << 10)
#define APIC_BASE_ENABLE      (1ULL << 11)

/* Delivery modes (ICR, LVT, IOAPIC redirection entries, MSI data). */
enum {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6,
	APIC_DM_EXTINT = 7,
};

/* An interrupt message on the APIC bus. */
struct hv_apic_irq {
	uint8_t vector;
	uint8_t delivery;  /* APIC_DM_* */
	bool logical;      /* destination mode */
	bool level;        /* trigger mode: level (TMR bit set on acceptance) */
	bool assert;       /* INIT level de-assert has assert = false */
	uint8_t dest;      /* APIC ID or logical MDA; 0xff broadcast */
	uint8_t shorthand; /* ICR only: 0 none, 1 self, 2 all, 3 all but self */
};

struct hv_lapic;

struct hv_lapic_ops {
	/* This CPU has something new to take. */
	void (*kick)(void *ctx, unsigned cpu);
	/* The guest wrote ICR: deliver `irq` from `src`. */
	void (*send)(void *ctx, unsigned src, const struct hv_apic_irq *irq);
	/* EOI of a level-triggered vector: broadcast to the IOAPIC. */
	void (*eoi)(void *ctx, uint8_t vector);
	/* The guest TSC at hv_clock time `now`, and the time it reaches `tsc`. */
	uint64_t (*tsc_at)(void *ctx, ktime_t now);
	ktime_t (*time_of_tsc)(void *ctx, uint64_t tsc);
};

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

struct hv_lapic {
	unsigned cpu;
	uint8_t id;
	uint64_t apic_base; /* IA32_APIC_BASE */
	uint32_t tpr, ldr, dfr, svr, esr, esr_pending;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LVT_COUNT];
	uint32_t irr[8], isr[8], tmr[8];
	/* Timer: counting started at timer_start with initial count ticr;
	 * a tick is `divide` ns (the APIC bus runs at 1 GHz). */
	uint32_t ticr, tdcr, divide;
	ktime_t timer_start;
	bool oneshot_fired;
	uint64_t tsc_deadline;
	struct hv_timer timer;
	bool timer_armed;
	ktime_t timer_deadline;
	bool nmi_pending, extint_pending;
	uint64_t timer_fires; /* statistics, for tests */
	const struct hv_clock *clk;
	const struct hv_lapic_ops *ops;
	void *ctx;
};

/* Power-on state; `bsp` sets the BSP bit and LINT0 to ExtINT (virtual wire,
 * as the BIOS leaves it). */
void hv_lapic_init(struct hv_lapic *a, unsigned cpu, bool bsp, const struct hv_clock *clk,
                   const struct hv_lapic_ops *ops, void *ctx);
/* INIT: the registers go back to their power-on values (ID, base kept). */
void hv_lapic_reset(struct hv_lapic *a);
void hv_lapic_destroy(struct hv_lapic *a);
bool hv_lapic_hw_enabled(const struct hv_lapic *a);
bool hv_lapic_sw_enabled(const struct hv_lapic *a);
/* Does a message with this destination reach this LAPIC? (no shorthand) */
bool hv_lapic_match_dest(const struct hv_lapic *a, bool logical, uint8_t dest);
/* Accepts a fixed, lowest-priority or NMI interrupt (INIT/SIPI/ExtINT are
 * the owner's). Fixed vectors below 16 are refused into ESR. */
void hv_lapic_accept(struct hv_lapic *a, const struct hv_apic_irq *irq);
/* Highest vector in IRR above the processor priority; -1 if none. */
int hv_lapic_pending(const struct hv_lapic *a);
/* The CPU takes `vector`: IRR -> ISR. */
void hv_lapic_ack(struct hv_lapic *a, int vector);
/* LINT0/LINT1 input (LINT0 carries the PIC's INT in virtual-wire mode). */
void hv_lapic_lint(struct hv_lapic *a, unsigned lint, bool level);
uint32_t hv_lapic_ppr(const struct hv_lapic *a);
/* 32-bit register access at `offset` in the 4 KiB page. */
uint32_t hv_lapic_read(struct hv_lapic *a, unsigned offset);
void hv_lapic_write(struct hv_lapic *a, unsigned offset, uint32_t v);
/* IA32_APIC_BASE and IA32_TSC_DEADLINE: 0, -ENOENT (not ours), -EINVAL (#GP). */
int hv_lapic_msr_read(struct hv_lapic *a, uint32_t index, uint64_t *value);
int hv_lapic_msr_write(struct hv_lapic *a, uint32_t index, uint64_t value);
#endif
