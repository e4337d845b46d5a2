/* Local APIC and I/O APIC register layouts (xAPIC MMIO offsets). */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_SVR_ENABLE (1 << 8)
#define LAPIC_LVT_MASKED (1 << 16)
#define LAPIC_LVT_LEVEL (1 << 15)
#define LAPIC_LVT_TIMER_ONESHOT (0 << 17)
#define LAPIC_LVT_TIMER_PERIODIC (1 << 17)
#define LAPIC_LVT_DELIVERY_NMI (4 << 8)
#define LAPIC_TIMER_DIVIDE_16 0x3

#define LAPIC_ICR_FIXED (0 << 8)
#define LAPIC_ICR_NMI (4 << 8)
#define LAPIC_ICR_INIT (5 << 8)
#define LAPIC_ICR_STARTUP (6 << 8)
#define LAPIC_ICR_PENDING (1 << 12) /* delivery status: send pending */
#define LAPIC_ICR_ASSERT (1 << 14)
#define LAPIC_ICR_LEVEL (1 << 15)
#define LAPIC_ICR_DEST_SHIFT 24 /* in ICR_HIGH */

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDTBL(n) (0x10 + 2 * (n))

#define IOAPIC_RTE_MASKED (1 << 16)
#define IOAPIC_RTE_LEVEL (1 << 15)
#define IOAPIC_RTE_ACTIVE_LOW (1 << 13)
#define IOAPIC_RTE_DEST_SHIFT 56

#endif
