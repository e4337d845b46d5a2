/* The guest MSR policy. The interrupt controller owns its MSRs (APIC_BASE,
 * TSC_DEADLINE, x2APIC) when there is one; the rest are emulated here:
 * EFER and the segment bases live in the vCPU's sregs, the TSC is the
 * one RDTSC reads (tsc.c: host TSC plus a per-vCPU offset), MTRRs and
 * PAT are stored values (guest RAM is always write-back underneath), and
 * the model-specific ones a kernel probes read as "nothing there". Any
 * other MSR is #GP, logged once per index. */
#include <kern/errno.h>
#include <kern/log.h>

#include "vm_internal.h"

#define MSR_TSC             0x10
#define MSR_PLATFORM_ID     0x17
#define MSR_APIC_BASE       0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_TSC_ADJUST      0x3b
#define MSR_BIOS_SIGN_ID    0x8b
#define MSR_MTRRCAP         0xfe
#define MSR_SYSENTER_CS     0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_MCG_CAP         0x179
#define MSR_MCG_STATUS      0x17a
#define MSR_MISC_ENABLE     0x1a0
#define MSR_MTRR_PHYS_FIRST 0x200
#define MSR_MTRR_PHYS_LAST  0x20f
#define MSR_PAT             0x277
#define MSR_MTRR_DEF_TYPE   0x2ff
#define MSR_EFER            0xc0000080u
#define MSR_STAR            0xc0000081u
#define MSR_LSTAR           0xc0000082u
#define MSR_CSTAR           0xc0000083u
#define MSR_SFMASK          0xc0000084u
#define MSR_FS_BASE         0xc0000100u
#define MSR_GS_BASE         0xc0000101u
#define MSR_KERNEL_GS_BASE  0xc0000102u
#define MSR_TSC_AUX         0xc0000103u

#define EFER_SCE            (1ull << 0)
#define EFER_LME            (1ull << 8)
#define EFER_LMA            (1ull << 10)
#define EFER_NXE            (1ull << 11)
#define PAT_DEFAULT         0x0007040600070406ull
#define MTRR_VCNT           8
#define MTRRCAP_VALUE       (MTRR_VCNT | 1u << 8 /* fixed */ | 1u << 10 /* WC */)
#define MISC_ENABLE_DEFAULT (1ull << 0 /* fast strings */ | 1ull << 11 /* no BTS */ | 1ull << 12 /* no PEBS */)

static const uint32_t fixed_mtrr[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f};

void hv_msr_reset(struct hv_vcpu *v)
{
	struct hv_msr_state *m = &v->msr;

	*m = (struct hv_msr_state){0};
	m->pat = PAT_DEFAULT;
	m->misc_enable = MISC_ENABLE_DEFAULT;
	m->apic_base = 0xfee00000ull | 1ull << 11 | (v->id == 0 ? 1ull << 8 : 0);
}

static int fixed_index(uint32_t index)
{
	for (unsigned i = 0; i < ARRAY_SIZE(fixed_mtrr); i++)
		if (fixed_mtrr[i] == index)
			return (int)i;
	return -1;
}

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static void log_unknown(struct hv_vcpu *v, uint32_t index, bool write, uint64_t value)
{
	struct hv_vm *vm = v->vm;
	bool seen = false;

	spin_lock(&vm->msr_log_lock);
	for (unsigned i = 0; i < vm->nmsr_logged; i++)
		seen |= vm->msr_logged[i] == index;
	if (!seen && vm->nmsr_logged < HV_MSR_LOG_ONCE)
		vm->msr_logged[vm->nmsr_logged++] = index;
	spin_unlock(&vm->msr_log_lock);
	if (!seen)
		pr_info("vm %s: vcpu %u: %s of unknown MSR %#x%s%llx: #GP\n", vm->name, v->id,
		        write ? "wrmsr" : "rdmsr", index, write ? " value " : "",
		        write ? (unsigned long long)value : 0ull);
}

/* The interrupt controller's answer, or -ENOENT if it has none. */
static int intc_msr(struct hv_vcpu *v, uint32_t index, bool write, uint64_t *value)
{
	struct hv_vm *vm = v->vm;
	int err;

	if (!vm->has_intr || (write && !vm->intr.msr_write) || (!write && !vm->intr.msr_read))
		return -ENOENT;
	mutex_lock(&vm->dev_lock);
	if (write)
		err = vm->intr.msr_write(vm->intr.ctx, v->id, index, *value);
	else
		err = vm->intr.msr_read(vm->intr.ctx, v->id, index, value);
	mutex_unlock(&vm->dev_lock);
	return err;
}

int hv_msr_read(struct hv_vcpu *v, uint32_t index, uint64_t *value)
{
	struct hv_msr_state *m = &v->msr;
	struct hv_sregs s;
	int err = intc_msr(v, index, false, value);

	if (err != -ENOENT)
		return err ? -EPERM : 0;
	switch (index) {
	case MSR_TSC: *value = hv_vcpu_tsc_read(v); return 0;
	case MSR_TSC_ADJUST: *value = m->tsc_adjust; return 0;
	case MSR_APIC_BASE: *value = m->apic_base; return 0;
	case MSR_PLATFORM_ID:
	case MSR_BIOS_SIGN_ID:
	case MSR_MCG_CAP:
	case MSR_MCG_STATUS: *value = 0; return 0;
	case MSR_FEATURE_CONTROL:
		*value = 1; /* locked, VMX off */
		return 0;
	case MSR_MTRRCAP: *value = MTRRCAP_VALUE; return 0;
	case MSR_MTRR_DEF_TYPE: *value = m->mtrr_def_type; return 0;
	case MSR_PAT: *value = m->pat; return 0;
	case MSR_MISC_ENABLE: *value = m->misc_enable; return 0;
	case MSR_SYSENTER_CS: *value = m->sysenter_cs; return 0;
	case MSR_SYSENTER_ESP: *value = m->sysenter_esp; return 0;
	case MSR_SYSENTER_EIP: *value = m->sysenter_eip; return 0;
	case MSR_STAR: *value = m->star; return 0;
	case MSR_LSTAR: *value = m->lstar; return 0;
	case MSR_CSTAR: *value = m->cstar; return 0;
	case MSR_SFMASK: *value = m->sfmask; return 0;
	case MSR_KERNEL_GS_BASE: *value = m->kernel_gs_base; return 0;
	case MSR_EFER:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (v->vm->be->get_sregs(v->priv, &s))
			return -EPERM;
		*value = index == MSR_EFER ? s.efer : index == MSR_FS_BASE ? s.fs.base : s.gs.base;
		return 0;
	}
	if (index >= MSR_MTRR_PHYS_FIRST && index < MSR_MTRR_PHYS_FIRST + 2 * MTRR_VCNT) {
		*value = m->mtrr_var[index - MSR_MTRR_PHYS_FIRST];
		return 0;
	}
	if (fixed_index(index) >= 0) {
		*value = m->mtrr_fixed[fixed_index(index)];
		return 0;
	}
	log_unknown(v, index, false, 0);
	return -EPERM;
}

static int write_sregs_msr(struct hv_vcpu *v, uint32_t index, uint64_t value)
{
	struct hv_sregs s;

	if (v->vm->be->get_sregs(v->priv, &s))
		return -EPERM;
	if (index == MSR_EFER) {
		if (value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
			return -EPERM;
		/* LMA is the CPU's to set; LME may not change with paging on. */
		if (((value ^ s.efer) & EFER_LME) && (s.cr0 & (1ull << 31)))
			return -EPERM;
		s.efer = (value & ~EFER_LMA) | (s.efer & EFER_LMA);
	} else {
		if (!canonical(value))
			return -EPERM;
		if (index == MSR_FS_BASE)
			s.fs.base = value;
		else
			s.gs.base = value;
	}
	return v->vm->be->set_sregs(v->priv, &s) ? -EPERM : 0;
}

/* MTRR memory types: UC 0, WC 1, WT 4, WP 5, WB 6. */
static bool mtrr_type_ok(uint64_t t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

static bool fixed_mtrr_ok(uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		if (!mtrr_type_ok((v >> (i * 8)) & 0xff))
			return false;
	return true;
}

int hv_msr_write(struct hv_vcpu *v, uint32_t index, uint64_t value)
{
	struct hv_msr_state *m = &v->msr;
	int err = intc_msr(v, index, true, &value);

	if (err != -ENOENT)
		return err ? -EPERM : 0;
	switch (index) {
	case MSR_TSC: hv_vcpu_tsc_write(v, value); return 0;
	case MSR_TSC_ADJUST: hv_vcpu_tsc_adjust_write(v, value); return 0;
	case MSR_APIC_BASE:
		/* Without a LAPIC model only the enable bit and base move. */
		if (value & ~0xffffff000ull & ~(1ull << 11) & ~(1ull << 8))
			return -EPERM;
		m->apic_base = (value & ~(1ull << 8)) | (m->apic_base & (1ull << 8));
		return 0;
	case MSR_BIOS_SIGN_ID:
	case MSR_MCG_STATUS: return 0; /* microcode revision probe; nothing latched */
	case MSR_MTRR_DEF_TYPE:
		if ((value & ~0xcffull) || !mtrr_type_ok(value & 0xff))
			return -EPERM;
		m->mtrr_def_type = value;
		return 0;
	case MSR_PAT:
		for (unsigned i = 0; i < 8; i++) {
			uint64_t t = (value >> (i * 8)) & 0xff;

			if (!(mtrr_type_ok(t) || t == 7))
				return -EPERM;
		}
		m->pat = value;
		return 0;
	case MSR_MISC_ENABLE:
		/* Only fast strings is the guest's to flip. */
		m->misc_enable = (m->misc_enable & ~1ull) | (value & 1);
		return 0;
	case MSR_SYSENTER_CS: m->sysenter_cs = value & 0xffff; return 0;
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!canonical(value))
			return -EPERM;
		if (index == MSR_SYSENTER_ESP)
			m->sysenter_esp = value;
		else if (index == MSR_SYSENTER_EIP)
			m->sysenter_eip = value;
		else if (index == MSR_LSTAR)
			m->lstar = value;
		else if (index == MSR_CSTAR)
			m->cstar = value;
		else
			m->kernel_gs_base = value;
		return 0;
	case MSR_STAR: m->star = value; return 0;
	case MSR_SFMASK: m->sfmask = value & 0xffffffffull; return 0;
	case MSR_EFER:
	case MSR_FS_BASE:
	case MSR_GS_BASE: return write_sregs_msr(v, index, value);
	}
	if (index >= MSR_MTRR_PHYS_FIRST && index < MSR_MTRR_PHYS_FIRST + 2 * MTRR_VCNT) {
		bool is_base = (index - MSR_MTRR_PHYS_FIRST) % 2 == 0;

		/* 39 physical address bits, as CPUID 0x80000008 says. */
		if (is_base ? ((value & 0xffffff8000000f00ull) || !mtrr_type_ok(value & 0xff))
		            : (value & 0xffffff80000007ffull))
			return -EPERM;
		m->mtrr_var[index - MSR_MTRR_PHYS_FIRST] = value;
		return 0;
	}
	if (fixed_index(index) >= 0) {
		if (!fixed_mtrr_ok(value))
			return -EPERM;
		m->mtrr_fixed[fixed_index(index)] = value;
		return 0;
	}
	log_unknown(v, index, true, value);
	return -EPERM;
}
