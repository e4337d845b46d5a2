/* The CPUID a guest sees (hv/core/cpuid.c): one table per vCPU, built from
 * a fixed, conservative baseline so that a guest behaves the same on every
 * host and backend. KVM-style backends take it through set_cpuid; the
 * others exit and the core answers from the same table. */
#ifndef HV_CPUID_H
#define HV_CPUID_H
#include <hv/backend.h>

#define HV_CPUID_MAX_ENTRIES 40

/* Optional features the VM's devices make available. */
#define HV_CPUID_F_TSC_DEADLINE (1u << 0) /* a LAPIC with TSC-deadline mode */

/* Fills `out` for vCPU `cpu` of an `ncpus` VM; returns the entry count. */
unsigned hv_cpuid_build(struct hv_cpuid_entry *out, unsigned ncpus, unsigned cpu, unsigned features);
/* Adds the guest's clocks to a table hv_cpuid_build made (n entries):
 * leaf 0x15 (TSC/crystal ratio, the crystal being the LAPIC bus clock),
 * 0x16 (base and bus MHz) and the hypervisor timing leaf 0x40000010 (TSC
 * and bus kHz), raising the maximum leaves to reach them. Returns the new
 * count; no change when tsc_khz or bus_khz is 0. */
unsigned hv_cpuid_add_clocks(struct hv_cpuid_entry *t, unsigned n, uint32_t tsc_khz, uint32_t bus_khz);
/* What CPUID(leaf, subleaf) returns with that table (zeros for leaves it
 * does not list). */
void hv_cpuid_lookup(const struct hv_cpuid_entry *t, unsigned n, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
#endif
