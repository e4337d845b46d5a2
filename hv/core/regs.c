/* Architectural register states (include/hv/regs.h) and exit names. */
#include <hv/exit.h>
#include <hv/regs.h>
#include <kern/string.h>

#define RESET_SIGNATURE 0x600 /* rdx after reset: family 6, as in CPUID leaf 1 */

static struct hv_segment seg(uint16_t sel, uint64_t base, uint32_t limit, uint8_t type)
{
	return (struct hv_segment){.base = base, .limit = limit, .selector = sel, .type = type, .present = 1, .s = 1};
}

void hv_regs_reset(struct hv_regs *r, struct hv_sregs *s)
{
	memset(r, 0, sizeof(*r));
	r->rip = 0xfff0;
	r->rflags = 0x2;
	r->gpr[2] = RESET_SIGNATURE;

	memset(s, 0, sizeof(*s));
	s->cs = seg(0xf000, 0xffff0000, 0xffff, 0xb);
	s->ds = s->es = s->fs = s->gs = s->ss = seg(0, 0, 0xffff, 0x3);
	s->tr = (struct hv_segment){.limit = 0xffff, .type = 0xb, .present = 1};
	s->ldt = (struct hv_segment){.limit = 0xffff, .type = 0x2, .present = 1};
	s->gdt.limit = 0xffff;
	s->idt.limit = 0xffff;
	s->cr0 = 0x60000010;                                /* CD, NW, ET */
	s->apic_base = 0xfee00000 | (1u << 11) | (1u << 8); /* enabled, BSP */
}

void hv_sregs_flat32(struct hv_sregs *s)
{
	struct hv_segment data = seg(0x18, 0, 0xffffffff, 0x3);

	data.db = 1;
	data.g = 1;
	s->cs = seg(0x10, 0, 0xffffffff, 0xb);
	s->cs.db = 1;
	s->cs.g = 1;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct hv_segment){.limit = 0xffff, .type = 0xb, .present = 1};
	s->ldt = (struct hv_segment){.unusable = 1};
	s->cr0 = 0x11; /* PE, ET; paging off */
	s->cr3 = s->cr4 = 0;
	s->efer = 0;
}

static const char *const exit_names[HV_EXIT_REASON_COUNT] = {
    [HV_EXIT_NONE] = "none",
    [HV_EXIT_IO] = "io",
    [HV_EXIT_MMIO] = "mmio",
    [HV_EXIT_CPUID] = "cpuid",
    [HV_EXIT_MSR_READ] = "rdmsr",
    [HV_EXIT_MSR_WRITE] = "wrmsr",
    [HV_EXIT_HLT] = "hlt",
    [HV_EXIT_HYPERCALL] = "hypercall",
    [HV_EXIT_NPF] = "npf",
    [HV_EXIT_EXCEPTION] = "exception",
    [HV_EXIT_INTR_WINDOW] = "intr-window",
    [HV_EXIT_EXTERNAL_INTR] = "external-intr",
    [HV_EXIT_SHUTDOWN] = "shutdown",
    [HV_EXIT_INVALID_STATE] = "invalid-state",
    [HV_EXIT_CANCELLED] = "cancelled",
};

const char *hv_exit_reason_name(enum hv_exit_reason r)
{
	if ((unsigned)r >= HV_EXIT_REASON_COUNT || !exit_names[r])
		return "unknown";
	return exit_names[r];
}
