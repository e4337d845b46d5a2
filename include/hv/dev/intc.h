/* A VM's interrupt controller complex: the 8259 pair, the IOAPIC and one
 * LAPIC per vCPU, wired as on a PC. ISA IRQ n (GSI 0-15) drives PIC input n
 * and IOAPIC pin n, except IRQ0 (the PIT) which reaches IOAPIC pin 2 (the
 * MADT's interrupt source override); GSI 2 itself is not wired. GSI 16-23
 * reach the IOAPIC only. MSIs are decoded (x86 format) and delivered to
 * the LAPICs. The PIC's INT reaches a CPU through LINT0 in ExtINT mode
 * (virtual wire) or, on the BSP, directly when its LAPIC is disabled.
 *
 * The VM serialises every call under its device mutex (timers fire under
 * it too). The guest TSC seen by TSC-deadline mode is, by default, 1 GHz
 * counting from hv_clock time 0; hv_intc_set_tsc changes that. */
#ifndef HV_DEV_INTC_H
#define HV_DEV_INTC_H
#include <hv/bus.h>
#include <hv/dev/devsvc.h>
#include <hv/dev/i8259.h>
#include <hv/dev/ioapic.h>
#include <hv/dev/lapic.h>

#define HV_INTC_MAX_CPUS 8
/* hv_intc_pending's answer for a pending NMI (vector numbers are 0-255). */
#define HV_INTC_NMI 256

struct hv_intc_backend {
	/* cpu has something new pending: wake it or kick it out of the guest. */
	void (*kick)(void *ctx, unsigned cpu);
	/* INIT (init true) or SIPI with its vector, for any CPU (usually an AP). */
	void (*startup)(void *ctx, unsigned cpu, bool init, uint8_t sipi_vector);
	void *ctx;
};

struct hv_intc {
	struct hv_pic pic;
	struct hv_ioapic ioapic;
	struct hv_lapic lapic[HV_INTC_MAX_CPUS];
	unsigned ncpus;
	const struct hv_clock *clk;
	struct hv_intc_backend be;
	uint64_t tsc_khz;
	ktime_t tsc_zero;
	uint64_t tsc_base; /* the guest TSC at tsc_zero */
	struct hv_bus *pio, *mmio; /* where attach claimed ranges */
};

int hv_intc_init(struct hv_intc *ic, unsigned ncpus, const struct hv_clock *clk, const struct hv_intc_backend *be);
/* Cancels timers. */
void hv_intc_destroy(struct hv_intc *ic);
/* Claims the PIC ports, ELCR, IOAPIC and LAPIC MMIO. */
int hv_intc_attach(struct hv_intc *ic, struct hv_bus *pio, struct hv_bus *mmio);
struct hv_irq hv_intc_irq(struct hv_intc *ic);
/* Highest deliverable vector for this CPU, HV_INTC_NMI for an NMI, -1 if
 * none. Nothing changes until hv_intc_ack. */
int hv_intc_pending(struct hv_intc *ic, unsigned cpu);
/* The vCPU took `vector` (from hv_intc_pending): NMI cleared, PIC INTA, or
 * LAPIC IRR -> ISR. */
void hv_intc_ack(struct hv_intc *ic, unsigned cpu, int vector);
/* -ENOENT if not an APIC MSR, -EINVAL: the guest gets #GP. */
int hv_intc_msr_read(struct hv_intc *ic, unsigned cpu, uint32_t index, uint64_t *value);
int hv_intc_msr_write(struct hv_intc *ic, unsigned cpu, uint32_t index, uint64_t value);
/* Guest TSC = (now - zero) * khz / 10^6 (for TSC-deadline mode). */
void hv_intc_set_tsc(struct hv_intc *ic, uint64_t tsc_khz, ktime_t zero);
/* Guest TSC = base + (now - zero) * khz / 10^6: for a guest TSC that had
 * already counted `base` at hv_clock time `zero` (KVM's). */
void hv_intc_set_tsc_base(struct hv_intc *ic, uint64_t tsc_khz, ktime_t zero, uint64_t base);
#endif
