/* Simulated VT-x entry points for the hosted platform (see vmx_sim.h). */
#include <kern/errno.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vmx_sim.h"

#define MAX_VMCS  64
#define NSLOTS    8192
#define CR0_PE    (1ull << 0)
#define CR0_PG    (1ull << 31)
#define CR4_VMXE  (1ull << 13)
#define EFER_LMA  (1ull << 10)
#define RFLAGS_IF (1ull << 9)

struct sim_vmcs {
	paddr_t pa;
	int active_cpu; /* -1: clear */
	bool launched;
	uint64_t field[NSLOTS];
};

static struct hosted_vmx_sim sim;
static bool sim_set;
static struct hosted_vmx_sim_stats stats;
static struct sim_vmcs *vmcs[MAX_VMCS];
static bool cpu_on[PLAT_MAX_CPUS];
static struct sim_vmcs *current[PLAT_MAX_CPUS];
static uint32_t revision;
/* Region lookups from several simulated CPUs at once. */
static pthread_mutex_t vmcs_lock = PTHREAD_MUTEX_INITIALIZER;

static void forget_all(void)
{
	for (unsigned i = 0; i < MAX_VMCS; i++) {
		free(vmcs[i]);
		vmcs[i] = NULL;
	}
	memset(cpu_on, 0, sizeof(cpu_on));
	memset(current, 0, sizeof(current));
}

void hosted_vmx_sim_set(const struct hosted_vmx_sim *s)
{
	forget_all();
	sim_set = s != NULL;
	if (s)
		sim = *s;
	else
		memset(&sim, 0, sizeof(sim));
	revision = VMX_BASIC_REVISION(sim.msrs.basic);
	memset(&stats, 0, sizeof(stats));
}

void hosted_vmx_sim_stats(struct hosted_vmx_sim_stats *out)
{
	*out = stats;
}

/* The slot of a supported field, or -1 (access-type "high" halves and
 * reserved bits are not supported). */
static int slot(uint32_t f)
{
	if ((f & 1) || (f & (1u << 12)) || f >= 0x8000)
		return -1;
	return (int)(((f >> 13) & 3) << 11 | ((f >> 10) & 3) << 9 | ((f >> 1) & 0x1ff));
}

static struct sim_vmcs *find_locked(paddr_t pa, bool create)
{
	for (unsigned i = 0; i < MAX_VMCS; i++)
		if (vmcs[i] && vmcs[i]->pa == pa)
			return vmcs[i];
	if (!create)
		return NULL;
	for (unsigned i = 0; i < MAX_VMCS; i++) {
		if (!vmcs[i]) {
			vmcs[i] = calloc(1, sizeof(*vmcs[i]));
			if (!vmcs[i])
				abort();
			vmcs[i]->pa = pa;
			vmcs[i]->active_cpu = -1;
			return vmcs[i];
		}
	}
	abort();
}

static struct sim_vmcs *find(paddr_t pa, bool create)
{
	struct sim_vmcs *v;

	pthread_mutex_lock(&vmcs_lock);
	v = find_locked(pa, create);
	pthread_mutex_unlock(&vmcs_lock);
	return v;
}

static uint64_t get(const struct sim_vmcs *v, uint32_t f)
{
	int s = slot(f);

	return s < 0 ? 0 : v->field[s];
}

static void put(struct sim_vmcs *v, uint32_t f, uint64_t val)
{
	int s = slot(f);
	unsigned width = VMCS_FIELD_WIDTH(f);

	if (s < 0)
		return;
	if (width == 0)
		val &= 0xffff;
	else if (width == 2)
		val &= 0xffffffff;
	v->field[s] = val;
}

/* VMfailValid with `err` when there is a current VMCS, else VMfailInvalid. */
static int fail(unsigned err)
{
	struct sim_vmcs *cur = current[plat_cpu_id()];

	__atomic_fetch_add(&stats.vmfails, 1, __ATOMIC_SEQ_CST);
	stats.last_error = err;
	if (cur)
		put(cur, VMCS_INSN_ERROR, err);
	return -EIO;
}

void plat_vmx_cpuid(uint32_t leaf, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(uint32_t));
	if (leaf == 1)
		out[2] = sim.cpuid1_ecx;
}

int plat_vmx_rdmsr(uint32_t msr, uint64_t *value)
{
	const struct hv_vmx_msrs *m = &sim.msrs;

	if (!sim_set)
		return -ENODEV;
	switch (msr) {
	case MSR_IA32_FEAT_CTL: *value = m->feature_control; return 0;
	case MSR_IA32_VMX_BASIC: *value = m->basic; return 0;
	case MSR_IA32_VMX_PINBASED_CTLS: *value = m->pin; return 0;
	case MSR_IA32_VMX_PROCBASED_CTLS: *value = m->proc; return 0;
	case MSR_IA32_VMX_EXIT_CTLS: *value = m->exit; return 0;
	case MSR_IA32_VMX_ENTRY_CTLS: *value = m->entry; return 0;
	case MSR_IA32_VMX_MISC: *value = m->misc; return 0;
	case MSR_IA32_VMX_CR0_FIXED0: *value = m->cr0_fixed0; return 0;
	case MSR_IA32_VMX_CR0_FIXED1: *value = m->cr0_fixed1; return 0;
	case MSR_IA32_VMX_CR4_FIXED0: *value = m->cr4_fixed0; return 0;
	case MSR_IA32_VMX_CR4_FIXED1: *value = m->cr4_fixed1; return 0;
	case MSR_IA32_VMX_PROCBASED_CTLS2: *value = m->proc2; return 0;
	case MSR_IA32_VMX_EPT_VPID_CAP: *value = m->ept_vpid; return 0;
	case MSR_IA32_VMX_TRUE_PINBASED: *value = m->true_pin; return 0;
	case MSR_IA32_VMX_TRUE_PROCBASED: *value = m->true_proc; return 0;
	case MSR_IA32_VMX_TRUE_EXIT: *value = m->true_exit; return 0;
	case MSR_IA32_VMX_TRUE_ENTRY: *value = m->true_entry; return 0;
	default: return -EINVAL;
	}
}

int plat_vmx_vmxon(paddr_t region)
{
	unsigned cpu = plat_cpu_id();

	if (!sim_set || (sim.msrs.feature_control & 5) == 1)
		return -EPERM;
	if (cpu_on[cpu] || *(uint32_t *)plat_phys_to_virt(region) != revision)
		return fail(0);
	cpu_on[cpu] = true;
	__atomic_fetch_add(&stats.vmxons, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void plat_vmx_vmxoff(void)
{
	unsigned cpu = plat_cpu_id();

	if (cpu_on[cpu])
		__atomic_fetch_add(&stats.vmxoffs, 1, __ATOMIC_SEQ_CST);
	cpu_on[cpu] = false;
	current[cpu] = NULL;
}

int plat_vmx_vmclear(paddr_t pa)
{
	unsigned cpu = plat_cpu_id();
	struct sim_vmcs *v;

	if (!cpu_on[cpu])
		return -EIO;
	v = find(pa, true);
	if (v->active_cpu >= 0 && v->active_cpu != (int)cpu)
		__atomic_fetch_add(&stats.active_elsewhere, 1, __ATOMIC_SEQ_CST);
	v->launched = false;
	v->active_cpu = -1;
	if (current[cpu] == v)
		current[cpu] = NULL;
	__atomic_fetch_add(&stats.vmclears, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int plat_vmx_vmptrld(paddr_t pa)
{
	unsigned cpu = plat_cpu_id();
	struct sim_vmcs *v;

	if (!cpu_on[cpu])
		return -EIO;
	if (*(uint32_t *)plat_phys_to_virt(pa) != revision)
		return fail(11); /* VMPTRLD with incorrect revision */
	v = find(pa, true);
	if (v->active_cpu >= 0 && v->active_cpu != (int)cpu)
		__atomic_fetch_add(&stats.active_elsewhere, 1, __ATOMIC_SEQ_CST);
	v->active_cpu = (int)cpu;
	current[cpu] = v;
	__atomic_fetch_add(&stats.vmptrlds, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int plat_vmx_vmread(uint32_t field, uint64_t *value)
{
	struct sim_vmcs *cur = current[plat_cpu_id()];

	if (!cur)
		return fail(0);
	if (slot(field) < 0)
		return fail(VMX_ERR_UNSUPPORTED_FIELD);
	*value = get(cur, field);
	return 0;
}

int plat_vmx_vmwrite(uint32_t field, uint64_t value)
{
	struct sim_vmcs *cur = current[plat_cpu_id()];

	if (!cur)
		return fail(0);
	if (slot(field) < 0)
		return fail(VMX_ERR_UNSUPPORTED_FIELD);
	if (VMCS_FIELD_TYPE(field) == 1)
		return fail(VMX_ERR_READ_ONLY_FIELD);
	put(cur, field, value);
	return 0;
}

uint64_t hosted_vmx_sim_field(uint32_t field)
{
	struct sim_vmcs *cur = current[plat_cpu_id()];

	return cur ? get(cur, field) : 0;
}

void hosted_vmx_sim_set_field(uint32_t field, uint64_t value)
{
	struct sim_vmcs *cur = current[plat_cpu_id()];

	if (cur)
		put(cur, field, value);
}

uint64_t hosted_vmx_sim_peek(paddr_t pa, uint32_t field)
{
	struct sim_vmcs *v = find(pa, false);

	return v ? get(v, field) : 0;
}

void plat_vmx_host_state(struct hv_vmx_host *h)
{
	memset(h, 0, sizeof(*h));
	h->cr0 = 0x80050033;
	h->cr3 = 0x1000;
	h->cr4 = 0x20 | CR4_VMXE;
	h->efer = 0xd01;
	h->pat = 0x0007040600070406ull;
	h->cs = 0x08;
	h->ss = 0x10;
	h->tr = 0x28;
	h->gs_base = 0xffff800000100000ull + plat_cpu_id() * 0x1000;
	h->tr_base = 0xffff800000200000ull + plat_cpu_id() * 0x1000;
	h->gdtr_base = 0xffff800000300000ull + plat_cpu_id() * 0x1000;
	h->idtr_base = 0xffff800000400000ull;
	h->lstar = 0xffffffff81000000ull;
	h->star = 0x0023001000000000ull;
}

/* A control field against its capability MSR's allowed settings. */
static bool ctl_ok(uint64_t cap, uint64_t val)
{
	return ((uint32_t)val & (uint32_t)cap) == (uint32_t)cap && ((uint32_t)val & ~(uint32_t)(cap >> 32)) == 0;
}

static bool controls_ok(const struct sim_vmcs *v)
{
	const struct hv_vmx_msrs *m = &sim.msrs;
	bool t = m->basic & VMX_BASIC_TRUE_CTLS;
	uint64_t proc = get(v, VMCS_PROC_CTLS), proc2 = get(v, VMCS_PROC_CTLS2), eptp = get(v, VMCS_EPT_POINTER);

	if (!ctl_ok(t ? m->true_pin : m->pin, get(v, VMCS_PIN_CTLS)) || !ctl_ok(t ? m->true_proc : m->proc, proc) ||
	    !ctl_ok(t ? m->true_exit : m->exit, get(v, VMCS_EXIT_CTLS)) ||
	    !ctl_ok(t ? m->true_entry : m->entry, get(v, VMCS_ENTRY_CTLS)))
		return false;
	if (!(proc & PROC_SECONDARY))
		proc2 = 0;
	if (proc2 && !ctl_ok(m->proc2, proc2))
		return false;
	if ((proc2 & PROC2_UNRESTRICTED) && !(proc2 & PROC2_EPT))
		return false;
	if ((proc2 & PROC2_EPT) && ((eptp & 7) != 6 || ((eptp >> 3) & 7) != 3 || (eptp & 0xf80)))
		return false;
	if ((proc2 & PROC2_VPID) && get(v, VMCS_VPID) == 0)
		return false;
	if ((proc & PROC_IO_BITMAPS) && (get(v, VMCS_IO_BITMAP_A) % 4096 || get(v, VMCS_IO_BITMAP_B) % 4096))
		return false;
	if ((proc & PROC_MSR_BITMAPS) && get(v, VMCS_MSR_BITMAP) % 4096)
		return false;
	/* Virtual NMIs need NMI exiting; NMI-window exiting needs them. */
	if ((get(v, VMCS_PIN_CTLS) & PIN_VIRTUAL_NMIS) && !(get(v, VMCS_PIN_CTLS) & PIN_NMI_EXITING))
		return false;
	if ((proc & PROC_NMI_WINDOW) && !(get(v, VMCS_PIN_CTLS) & PIN_VIRTUAL_NMIS))
		return false;
	return true;
}

static bool host_ok(const struct sim_vmcs *v)
{
	const struct hv_vmx_msrs *m = &sim.msrs;
	uint64_t cr0 = get(v, VMCS_HOST_CR0), cr4 = get(v, VMCS_HOST_CR4);

	return (cr0 & m->cr0_fixed0) == m->cr0_fixed0 && (cr4 & m->cr4_fixed0) == m->cr4_fixed0 &&
	       get(v, VMCS_HOST_CS_SEL) != 0 && get(v, VMCS_HOST_TR_SEL) != 0 &&
	       (get(v, VMCS_EXIT_CTLS) & EXIT_HOST_64) && get(v, VMCS_HOST_TR_BASE) != 0;
}

/* The guest-state checks the backend must get right (SDM 26.3.1). */
static bool guest_ok(const struct sim_vmcs *v)
{
	const struct hv_vmx_msrs *m = &sim.msrs;
	uint64_t proc2 = get(v, VMCS_PROC_CTLS2), cr0 = get(v, VMCS_GUEST_CR0), cr4 = get(v, VMCS_GUEST_CR4);
	uint64_t fixed0 = m->cr0_fixed0, entry = get(v, VMCS_ENTRY_CTLS), efer = get(v, VMCS_GUEST_EFER);
	uint64_t rflags = get(v, VMCS_GUEST_RFLAGS), tr_ar = get(v, VMCS_GUEST_ES_AR + 2 * VMCS_SEG_TR);
	uint32_t info = (uint32_t)get(v, VMCS_ENTRY_INTR_INFO);

	if ((get(v, VMCS_PROC_CTLS) & PROC_SECONDARY) && (proc2 & PROC2_UNRESTRICTED))
		fixed0 &= ~(CR0_PE | CR0_PG);
	if ((cr0 & fixed0) != fixed0 || (cr0 & ~m->cr0_fixed1) || (cr4 & m->cr4_fixed0) != m->cr4_fixed0 ||
	    (cr4 & ~m->cr4_fixed1))
		return false;
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		return false;
	if (get(v, VMCS_LINK_POINTER) != ~0ull || !(rflags & 2))
		return false;
	if ((entry & ENTRY_LOAD_EFER) && !!(efer & EFER_LMA) != !!(entry & ENTRY_IA32E))
		return false;
	if ((tr_ar & VMX_AR_UNUSABLE) || !(tr_ar & VMX_AR_P) || ((tr_ar & 0xf) != 11 && (tr_ar & 0xf) != 3))
		return false;
	for (unsigned i = 0; i < 8; i++) {
		uint64_t ar = get(v, VMCS_GUEST_ES_AR + 2 * i), limit = get(v, VMCS_GUEST_ES_LIMIT + 2 * i);

		if (ar & VMX_AR_UNUSABLE)
			continue;
		if ((limit & 0xfff) != 0xfff && (ar & VMX_AR_G))
			return false;
		if ((limit >> 20) && !(ar & VMX_AR_G))
			return false;
		if ((ar & VMX_AR_S) && !(ar & 1)) /* code/data must be accessed */
			return false;
	}
	if (info & INTR_INFO_VALID) {
		if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_EXT_INTR &&
		    (!(rflags & RFLAGS_IF) || (get(v, VMCS_GUEST_INTERRUPTIBILITY) & 3)))
			return false;
		if ((info & INTR_INFO_HAS_ERROR) && !(cr0 & CR0_PE))
			return false;
		if ((info & INTR_INFO_TYPE_MASK) >= INTR_TYPE_SW_INTR && get(v, VMCS_ENTRY_INSN_LEN) == 0)
			return false;
		/* An NMI: no MOV SS shadow, no (virtual-)NMI blocking, vector 2. */
		if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI &&
		    ((get(v, VMCS_GUEST_INTERRUPTIBILITY) & (INTERRUPTIBILITY_MOVSS | INTERRUPTIBILITY_NMI)) ||
		     (info & INTR_INFO_VECTOR_MASK) != 2))
			return false;
	}
	return true;
}

static void clear_exit_info(struct sim_vmcs *v)
{
	static const uint32_t f[] = {VMCS_EXIT_REASON,      VMCS_EXIT_QUALIFICATION, VMCS_EXIT_INTR_INFO,
	                             VMCS_EXIT_INTR_ERROR,  VMCS_IDT_VECTORING_INFO, VMCS_IDT_VECTORING_ERROR,
	                             VMCS_EXIT_INSN_LEN,    VMCS_EXIT_INSN_INFO,     VMCS_GUEST_PHYS_ADDR,
	                             VMCS_GUEST_LINEAR_ADDR};
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		put(v, f[i], 0);
}

int plat_vmx_run(struct hv_vmx_gprs *g, bool launched, void *fpu)
{
	unsigned cpu = plat_cpu_id();
	struct sim_vmcs *v = current[cpu];
	uint32_t info;

	(void)fpu;
	if (plat_irq_enabled())
		__atomic_fetch_add(&stats.irqs_on, 1, __ATOMIC_SEQ_CST);
	if (!cpu_on[cpu] || !v)
		return fail(0);
	if (!launched && v->launched)
		return fail(VMX_ERR_LAUNCH_NOT_CLEAR);
	if (launched && !v->launched)
		return fail(VMX_ERR_RESUME_NOT_LAUNCHED);
	if (!controls_ok(v))
		return fail(VMX_ERR_BAD_CONTROLS);
	if (!host_ok(v))
		return fail(VMX_ERR_BAD_HOST_STATE);
	__atomic_fetch_add(launched ? &stats.resumes : &stats.launches, 1, __ATOMIC_SEQ_CST);
	info = (uint32_t)get(v, VMCS_ENTRY_INTR_INFO);
	stats.last_entry_intr = info;
	stats.last_entry_error = (uint32_t)get(v, VMCS_ENTRY_EXCEPTION_ERROR);
	stats.last_entry_len = (uint32_t)get(v, VMCS_ENTRY_INSN_LEN);
	stats.last_proc = (uint32_t)get(v, VMCS_PROC_CTLS);
	clear_exit_info(v);
	if (!guest_ok(v)) {
		__atomic_fetch_add(&stats.entry_failures, 1, __ATOMIC_SEQ_CST);
		put(v, VMCS_EXIT_REASON, VMX_EXIT_REASON_FAILED | VMX_EXIT_INVALID_GUEST);
		return 0;
	}
	v->launched = true;
	/* The event is delivered: the valid bit clears at the exit. An NMI
	 * blocks the next until the guest's IRET. */
	put(v, VMCS_ENTRY_INTR_INFO, info & ~INTR_INFO_VALID);
	if ((info & INTR_INFO_VALID) && (info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
		put(v, VMCS_GUEST_INTERRUPTIBILITY, get(v, VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
	if (sim.run)
		sim.run(sim.ctx, g);
	return 0;
}

int plat_vmx_invept(unsigned type, uint64_t eptp)
{
	(void)type, (void)eptp;
	if (!cpu_on[plat_cpu_id()])
		return -EIO;
	__atomic_fetch_add(&stats.invepts, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int plat_vmx_invvpid(unsigned type, uint16_t vpid)
{
	(void)type, (void)vpid;
	if (!cpu_on[plat_cpu_id()])
		return -EIO;
	__atomic_fetch_add(&stats.invvpids, 1, __ATOMIC_SEQ_CST);
	return 0;
}
