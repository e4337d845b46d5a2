/* Input format: a sequence of operations. The first byte of each picks the
 * kind (bits 0-4, through a weighted table) and the vCPU (bits 5-7 all set:
 * vCPU 1, else vCPU 0); the kind then reads its own fields. Exit kinds hand
 * one exit record to the simulated backend and run one turn of the vCPU
 * (hv_vm_step): the real dispatch, handlers and device models. The others
 * set up what exits find: guest memory (virtqueue descriptors and rings,
 * page tables, instruction bytes), vCPU registers and mode, host-side
 * input, and the passing of (virtual) time for device timers.
 *
 * Guest-controlled values are biased toward what the devices decode:
 * ports and MMIO addresses toward claimed bus ranges (LAPIC, IOAPIC, ECAM,
 * virtio BARs wherever the guest moved them), ring writes toward the ring
 * addresses the guest programmed, PCI config toward BARs, the command
 * register and capabilities. */
#include <hv/dev/ioapic.h>
#include <hv/dev/lapic.h>
#include <hv/dev/virtio_console.h>
#include <hv/dev/virtio_net.h>
#include <hv/dev/virtio_pci.h>
#include <hv/hypercall.h>
#include <kern/sched.h>
#include <stdio.h>
#include <string.h>

#include "vmexit.h"

#define RFLAGS_IF (1ull << 9)
#define MAX_OPS   512

/* ---- input ---- */

unsigned rd8(struct rd *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

uint64_t rdn(struct rd *r, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)rd8(r) << (8 * i);
	return v;
}

bool rd_more(const struct rd *r)
{
	return r->p < r->end;
}

uint64_t rd_value(struct rd *r, unsigned size)
{
	uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	unsigned sel = rd8(r);
	uint64_t v;

	switch (sel % 8) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = ~0ull; break;
	case 3: v = 1ull << (8 * size - 1); break;
	case 4: v = 1ull << (rd8(r) % (8 * size)); break;
	case 5: v = rd8(r); break;
	default: v = rdn(r, size);
	}
	return v & mask;
}

/* ---- what the next entry of each vCPU finds ---- */

struct cpu_edit {
	uint16_t gpr_mask;
	uint64_t gpr[16];
	bool set_rip, set_rflags, set_mode, user, set_cr3, set_cr4, set_efer;
	uint64_t rip, rflags, cr3, cr4, efer;
	enum vx_mode mode;
};

static struct cpu_edit edit[VX_NCPUS];
static struct hv_exit next_exit;
static bool next_valid;
static unsigned ops_done;

void vx_mode_sregs(enum vx_mode mode, struct hv_sregs *s)
{
	uint64_t apic_base = s->apic_base;
	struct hv_regs r;

	switch (mode) {
	case VX_MODE_REAL:
		hv_regs_reset(&r, s);
		s->cs.base = 0;
		s->cs.selector = 0;
		s->cr0 = 0x10;
		break;
	case VX_MODE_FLAT32: hv_sregs_flat32(s); break;
	case VX_MODE_PAE32:
		hv_sregs_flat32(s);
		s->cr0 |= 1ull << 31;
		s->cr4 = 1u << 5;
		s->cr3 = VX_PAE_PDPT;
		break;
	case VX_MODE_LONG64:
	case VX_MODE_COMPAT:
	default:
		hv_sregs_flat32(s);
		s->cr0 = 0x80000011;
		s->cr4 = 1u << 5;
		s->efer = (1u << 8) | (1u << 10);
		s->cr3 = VX_PML4;
		if (mode != VX_MODE_COMPAT) {
			s->cs.l = 1;
			s->cs.db = 0;
		}
	}
	s->apic_base = apic_base;
}

static void apply_edit(struct cpu_edit *e, struct hv_regs *r, struct hv_sregs *s)
{
	for (unsigned i = 0; i < 16; i++)
		if (e->gpr_mask & (1u << i))
			r->gpr[i] = e->gpr[i];
	if (e->set_rip)
		r->rip = e->rip;
	if (e->set_rflags)
		r->rflags = e->rflags;
	if (e->set_mode) {
		vx_mode_sregs(e->mode, s);
		s->cs.dpl = s->ss.dpl = e->user ? 3 : 0;
	}
	if (e->set_cr3)
		s->cr3 = e->cr3;
	if (e->set_cr4)
		s->cr4 = e->cr4;
	if (e->set_efer)
		s->efer = e->efer;
	memset(e, 0, sizeof(*e));
}

static int script_next(void *ctx, unsigned cpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)ctx;
	apply_edit(&edit[cpu % VX_NCPUS], r, s);
	if (vx_trace && run->inject_vector >= 0)
		fprintf(stderr, "    [cpu%u entry: interrupt vector %#x injected]\n", cpu, run->inject_vector);
	if (vx_trace && run->exception_vector >= 0)
		fprintf(stderr, "    [cpu%u entry: exception %d (error %#x) raised]\n", cpu, run->exception_vector,
		        run->exception_has_error ? run->exception_error : 0);
	if (!next_valid) {
		run->exit.reason = HV_EXIT_INTR_WINDOW;
	} else {
		run->exit = next_exit;
		next_valid = false;
	}
	run->exit.rip = r->rip;
	return 0;
}

const struct hv_sim_script vx_script = {script_next, NULL};

/* ---- tracing ---- */

static const char *bus_name(struct hv_bus *b, uint64_t addr)
{
	const struct hv_bus_range *r = hv_bus_find(b, addr);

	return r ? r->name : "unclaimed";
}

static void trace_exit(unsigned cpu, const struct hv_exit *e)
{
	switch (e->reason) {
	case HV_EXIT_IO:
		fprintf(stderr, "cpu%u %s port %#x size %u", cpu, e->u.io.in ? "in" : "out", e->u.io.port,
		        e->u.io.size);
		if (!e->u.io.in)
			fprintf(stderr, " data %#x", e->u.io.data);
		fprintf(stderr, " [%s]\n", bus_name(hv_vm_pio_bus(vx.vm), e->u.io.port));
		break;
	case HV_EXIT_MMIO:
		fprintf(stderr, "cpu%u mmio %s %#llx size %u", cpu, e->u.mmio.write ? "write" : "read",
		        (unsigned long long)e->u.mmio.gpa, e->u.mmio.size);
		if (e->u.mmio.write)
			fprintf(stderr, " data %#llx", (unsigned long long)e->u.mmio.data);
		fprintf(stderr, " [%s]\n", bus_name(hv_vm_mmio_bus(vx.vm), e->u.mmio.gpa));
		break;
	case HV_EXIT_NPF:
		fprintf(stderr, "cpu%u npf %s gpa %#llx [%s]\n", cpu,
		        e->u.npf.exec    ? "fetch"
		        : e->u.npf.write ? "write"
		                         : "read",
		        (unsigned long long)e->u.npf.gpa, bus_name(hv_vm_mmio_bus(vx.vm), e->u.npf.gpa));
		break;
	case HV_EXIT_CPUID:
		fprintf(stderr, "cpu%u cpuid leaf %#x subleaf %#x\n", cpu, e->u.cpuid.leaf, e->u.cpuid.subleaf);
		break;
	case HV_EXIT_MSR_READ: fprintf(stderr, "cpu%u rdmsr %#x\n", cpu, e->u.msr.index); break;
	case HV_EXIT_MSR_WRITE:
		fprintf(stderr, "cpu%u wrmsr %#x value %#llx\n", cpu, e->u.msr.index,
		        (unsigned long long)e->u.msr.value);
		break;
	default: fprintf(stderr, "cpu%u exit %s (%u)\n", cpu, hv_exit_reason_name(e->reason), (unsigned)e->reason);
	}
}

static void trace_stop(void)
{
	struct hv_vm_stop_info info;

	hv_vm_get_stop_info(vx.vm, &info);
	fprintf(stderr, "    [VM stopped: reason %d code %lld: %s]\n", info.reason, (long long)info.code, info.message);
}

/* Hands `e` to vCPU `cpu` and runs one turn. Returns hv_vm_step's result. */
static int run_exit(unsigned cpu, const struct hv_exit *e)
{
	uint64_t violations[VX_NVIRTIO], disk_ops = vx.disk_ops;
	int ret;

	for (unsigned i = 0; i < VX_NVIRTIO; i++)
		violations[i] = vx.virtio[i]->violations;
	if (vx_trace)
		trace_exit(cpu, e);
	next_exit = *e;
	next_valid = true;
	ret = hv_vm_step(vx.vm, cpu);
	next_valid = false;
	if (vx_trace) {
		if (ret == HV_STEP_HALTED)
			fprintf(stderr, "    [cpu%u halted: not entered]\n", cpu);
		else if (ret == HV_STEP_WAITING)
			fprintf(stderr, "    [cpu%u waits for a startup IPI: not entered]\n", cpu);
		for (unsigned i = 0; i < VX_NVIRTIO; i++)
			if (vx.virtio[i]->violations != violations[i])
				fprintf(stderr, "    [%s: the driver broke a rule: DEVICE_NEEDS_RESET]\n",
				        vx.virtio[i]->pci.name);
		if (vx.disk_ops != disk_ops)
			fprintf(stderr, "    [disk: %llu sector transfers]\n",
			        (unsigned long long)(vx.disk_ops - disk_ops));
		if (hv_vm_state(vx.vm) == HV_VM_STOPPED)
			trace_stop();
	}
	return ret;
}

static int mmio_access(unsigned cpu, uint64_t gpa, unsigned size, bool write, uint64_t data)
{
	struct hv_exit e = {.reason = HV_EXIT_MMIO, .insn_len = 3};

	e.u.mmio.gpa = gpa;
	e.u.mmio.size = (uint8_t)size;
	e.u.mmio.write = write;
	e.u.mmio.data = data;
	return run_exit(cpu, &e);
}

static int io_access(unsigned cpu, uint16_t port, unsigned size, bool in, uint32_t data)
{
	struct hv_exit e = {.reason = HV_EXIT_IO, .insn_len = 1};

	e.u.io.port = port;
	e.u.io.size = (uint8_t)size;
	e.u.io.in = in;
	e.u.io.data = data;
	return run_exit(cpu, &e);
}

/* ---- biased picks ---- */

static unsigned pick_size(struct rd *r, bool mmio)
{
	static const unsigned sizes[4] = {1, 2, 4, 8};
	unsigned s = rd8(r);

	if (s == 0xff)
		return mmio ? 3 : 8; /* no such access */
	return mmio ? sizes[s % 4] : sizes[s % 3];
}

static uint16_t pick_port(struct rd *r)
{
	static const uint16_t ports[] = {0x20,  0x21,  0xa0,  0xa1,  0x40,  0x41,  0x42,  0x43,  0x61,  0x60,
	                                 0x64,  0x70,  0x71,  0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe,
	                                 0x3ff, 0xcf8, 0xcf9, 0xcfc, 0xcfd, 0xcfe, 0xcff, 0x4d0, 0x4d1};
	struct hv_bus *b = hv_vm_pio_bus(vx.vm);
	unsigned sel = rd8(r);
	const struct hv_bus_range *range;

	switch (sel % 4) {
	case 0: range = &b->range[rd8(r) % b->n]; return (uint16_t)(range->base + rd8(r) % range->len);
	case 1:
	case 2: return ports[rd8(r) % ARRAY_SIZE(ports)];
	default: return (uint16_t)rdn(r, 2);
	}
}

static uint64_t pick_virtio_reg(struct rd *r)
{
	unsigned d = rd8(r) % VX_NVIRTIO, sub = rd8(r);
	uint64_t bar2 = vx_virtio_bar(d, VIRTIO_PCI_BAR), bar0 = vx_virtio_bar(d, VIRTIO_PCI_MSIX_BAR);

	switch (sub % 6) {
	case 0: return bar2 + VIRTIO_PCI_COMMON_OFF + rd8(r) % VIRTIO_PCI_COMMON_SIZEOF;
	case 1: return bar2 + VIRTIO_PCI_ISR_OFF;
	case 2: return bar2 + VIRTIO_PCI_DEVICE_OFF + rd8(r) % VIRTIO_CFG_MAX;
	case 3: return bar2 + VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * (rd8(r) % 4);
	case 4: return bar0 + VIRTIO_PCI_MSIX_TABLE + rdn(r, 2) % 0x200;
	default: return bar0 + VIRTIO_PCI_MSIX_PBA + rd8(r) % 16;
	}
}

static uint64_t pick_gpa(struct rd *r)
{
	static const uint64_t ioapic[] = {0x00, 0x10, 0x20, 0x40};
	struct hv_bus *b = hv_vm_mmio_bus(vx.vm);
	unsigned sel = rd8(r);
	const struct hv_bus_range *range;
	uint64_t off;

	switch (sel % 8) {
	case 0:
	case 1:
		range = &b->range[rd8(r) % b->n];
		off = rdn(r, 2) % range->len;
		return range->base + (sel & 0x80 ? off & ~3ull : off);
	case 2: return HV_LAPIC_BASE + ((uint64_t)rd8(r) << 4) + ((sel >> 4) & 3);
	case 3: return HV_IOAPIC_BASE + ioapic[rd8(r) % 4];
	case 4: return HV_PCI_ECAM_DEFAULT + (rdn(r, 3) & 0xfffff);
	case 5: return pick_virtio_reg(r);
	case 6: return sel & 0x80 ? VX_ROM + rdn(r, 2) : rdn(r, 4) % VX_RAM_SIZE;
	default: return rdn(r, 8);
	}
}

/* A virtqueue's rings: where the guest programmed them, or the default
 * place the setup operation uses. */
static struct virtq *pick_queue(struct rd *r, unsigned *d, unsigned *q)
{
	*d = rd8(r) % VX_NVIRTIO;
	*q = rd8(r) % vx.virtio[*d]->nqueues;
	return &vx.virtio[*d]->vq[*q];
}

static uint64_t default_ring(unsigned d, unsigned q, unsigned which)
{
	return VX_RINGS + (d * 4 + q) * 0x4000 + which * 0x1000;
}

static uint64_t ring_addr(const struct virtq *vq, unsigned d, unsigned q, unsigned which)
{
	uint64_t a = which == 0 ? vq->desc : which == 1 ? vq->avail : vq->used;

	return a ? a : default_ring(d, q, which);
}

static uint16_t queue_size(const struct virtq *vq)
{
	return vq->size ? vq->size : 1;
}

/* ---- operations ---- */

enum kind {
	K_OUT,
	K_IN,
	K_MMIO_W,
	K_MMIO_R,
	K_NPF,
	K_CPUID,
	K_RDMSR,
	K_WRMSR,
	K_HLT,
	K_HYPERCALL,
	K_EXIT_OTHER,
	K_MEM,
	K_VQ_DESC,
	K_VQ_AVAIL,
	K_VIRTIO_SETUP,
	K_PCI_CFG,
	K_TIME,
	K_HOST_INPUT,
	K_REGS,
	K_MODE,
};

static const uint8_t kinds[32] = {
    K_OUT,      K_OUT,          K_OUT,        K_IN,      K_IN,   K_MMIO_W,     K_MMIO_W,  K_MMIO_W,
    K_MMIO_R,   K_MMIO_R,       K_NPF,        K_NPF,     K_NPF,  K_CPUID,      K_RDMSR,   K_WRMSR,
    K_HLT,      K_HYPERCALL,    K_EXIT_OTHER, K_MEM,     K_MEM,  K_VQ_DESC,    K_VQ_DESC, K_VQ_AVAIL,
    K_VQ_AVAIL, K_VIRTIO_SETUP, K_PCI_CFG,    K_PCI_CFG, K_TIME, K_HOST_INPUT, K_REGS,    K_MODE,
};

static void op_io(struct rd *r, unsigned cpu, bool in)
{
	uint16_t port = pick_port(r);
	unsigned size = pick_size(r, false);

	io_access(cpu, port, size, in, in ? 0 : (uint32_t)rd_value(r, 4));
}

static void op_mmio(struct rd *r, unsigned cpu, bool write)
{
	uint64_t gpa = pick_gpa(r);
	unsigned size = pick_size(r, true);

	mmio_access(cpu, gpa, size, write, write ? rd_value(r, 8) : 0);
}

static void guest_write(uint64_t gpa, const void *buf, uint64_t len)
{
	/* Outside RAM nothing is written (gmem refuses): fine. */
	gmem_write(hv_vm_gmem(vx.vm), gpa, buf, len);
}

/* An access to an MMIO hole the emulator must decode: the instruction
 * bytes go to the code area, registers point at device registers. */
static void op_npf(struct rd *r, unsigned cpu)
{
	struct cpu_edit *ed = &edit[cpu];
	struct hv_exit e = {.reason = HV_EXIT_NPF};
	unsigned flags = rd8(r), acc = flags % 3;
	uint64_t rip = VX_CODE + (flags & 0x20 ? rd8(r) : 0), target = 0;
	uint8_t insn[16] = {0};

	if (flags & 0x04) {
		unsigned n = rd8(r) % 16;

		for (unsigned i = 0; i < n; i++)
			insn[i] = (uint8_t)rd8(r);
		guest_write(rip, insn, n);
		if (vx_trace) {
			fprintf(stderr, "mem %#llx <-", (unsigned long long)rip);
			for (unsigned i = 0; i < n; i++)
				fprintf(stderr, " %02x", insn[i]);
			fprintf(stderr, " (instruction)\n");
		}
	}
	if (flags & 0x08) {
		unsigned g = rd8(r) % 16;

		target = pick_gpa(r);
		ed->gpr_mask |= 1u << g;
		ed->gpr[g] = target;
		if (vx_trace)
			fprintf(stderr, "cpu%u gpr%u = %#llx\n", cpu, g, (unsigned long long)target);
	}
	if (flags & 0x10) { /* a count (rep) and a source/destination */
		ed->gpr_mask |= 1u << 1;
		ed->gpr[1] = rd8(r);
		if (vx_trace)
			fprintf(stderr, "cpu%u rcx = %#llx\n", cpu, (unsigned long long)ed->gpr[1]);
	}
	ed->set_rip = true;
	ed->rip = rip;
	e.u.npf.gpa = (flags & 0x08) && (flags & 0xc0) ? target : pick_gpa(r);
	e.u.npf.read = acc == 0;
	e.u.npf.write = acc == 1;
	e.u.npf.exec = acc == 2;
	run_exit(cpu, &e);
}

static void op_cpuid(struct rd *r, unsigned cpu)
{
	static const uint32_t leaves[] = {0,          1,          2,          4,          6,          7,
	                                  0xa,        0xb,        0xd,        0x14,       0x15,       0x16,
	                                  0x1f,       0x40000000, 0x40000001, 0x40000010, 0x80000000, 0x80000001,
	                                  0x80000007, 0x80000008, 0x8000001f};
	struct hv_exit e = {.reason = HV_EXIT_CPUID, .insn_len = 2};
	unsigned sel = rd8(r);

	e.u.cpuid.leaf = sel < 0xe0 ? leaves[sel % ARRAY_SIZE(leaves)] : (uint32_t)rdn(r, 4);
	e.u.cpuid.subleaf = (uint32_t)rd_value(r, 4);
	run_exit(cpu, &e);
}

static uint32_t pick_msr(struct rd *r)
{
	static const uint32_t msrs[] = {
	    0x10,       0x17,       0x1b,       0x3a,       0x3b,       0x8b,       0xfe,       0x174,      0x175,
	    0x176,      0x179,      0x17a,      0x1a0,      0x200,      0x201,      0x20f,      0x210,      0x250,
	    0x258,      0x259,      0x268,      0x26f,      0x277,      0x2ff,      0x6e0,      0xc0000080, 0xc0000081,
	    0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, 0x4b564d00, 0x40000000};
	unsigned sel = rd8(r);

	if (sel < 0xa0)
		return msrs[sel % ARRAY_SIZE(msrs)];
	if (sel < 0xe0)
		return 0x800 + rd8(r); /* x2APIC */
	return (uint32_t)rdn(r, 4);
}

static void op_msr(struct rd *r, unsigned cpu, bool write)
{
	struct hv_exit e = {.reason = write ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ, .insn_len = 2};

	e.u.msr.index = pick_msr(r);
	if (write)
		e.u.msr.value = rd_value(r, 8);
	run_exit(cpu, &e);
}

static void op_hlt(struct rd *r, unsigned cpu)
{
	struct hv_exit e = {.reason = HV_EXIT_HLT, .insn_len = 1};
	unsigned f = rd8(r);

	if (f & 1) { /* sti; hlt */
		edit[cpu].set_rflags = true;
		edit[cpu].rflags = 2 | RFLAGS_IF;
	}
	run_exit(cpu, &e);
}

static void op_hypercall(struct rd *r, unsigned cpu)
{
	struct cpu_edit *ed = &edit[cpu];
	struct hv_exit e = {.reason = HV_EXIT_HYPERCALL, .insn_len = 3};
	unsigned sel = rd8(r);

	ed->gpr_mask |= 1u << 0 | 1u << 7 | 1u << 6 | 1u << 2 | 1u << 10;
	ed->gpr[0] = sel < 0xf0 ? sel % (HV_HC_COUNT + 1) : rdn(r, 8);
	ed->gpr[7] = sel & 0x80 ? pick_gpa(r) : VX_DATA + rdn(r, 2);
	ed->gpr[6] = rd_value(r, sel & 0x40 ? 8 : 2);
	ed->gpr[2] = rd_value(r, 8);
	ed->gpr[10] = rd_value(r, 8);
	if (vx_trace)
		fprintf(stderr, "cpu%u rax = %llu rdi = %#llx rsi = %#llx\n", cpu, (unsigned long long)ed->gpr[0],
		        (unsigned long long)ed->gpr[7], (unsigned long long)ed->gpr[6]);
	run_exit(cpu, &e);
}

static void op_exit_other(struct rd *r, unsigned cpu)
{
	static const uint8_t reasons[] = {HV_EXIT_INTR_WINDOW, HV_EXIT_EXTERNAL_INTR, HV_EXIT_CANCELLED,
	                                  HV_EXIT_INTR_WINDOW, HV_EXIT_EXTERNAL_INTR, HV_EXIT_NONE,
	                                  HV_EXIT_EXCEPTION,   HV_EXIT_INVALID_STATE, HV_EXIT_SHUTDOWN};
	struct hv_exit e = {0};
	unsigned sel = rd8(r);

	e.reason = sel < 0xf0 ? reasons[sel % ARRAY_SIZE(reasons)] : (enum hv_exit_reason)(sel % 32);
	e.hw_code = rd8(r);
	if (e.reason == HV_EXIT_EXCEPTION)
		e.u.exception.vector = (uint8_t)rd8(r);
	run_exit(cpu, &e);
}

static void op_mem(struct rd *r)
{
	unsigned sel = rd8(r), len = rd8(r) % 33, d, q;
	uint8_t buf[32] = {0};
	uint64_t gpa;

	switch (sel % 4) {
	case 0: {
		struct virtq *vq = pick_queue(r, &d, &q);
		unsigned which = rd8(r) % 3;
		unsigned bytes = which == 0 ? 16u * queue_size(vq) : 6u + (which == 1 ? 2u : 8u) * queue_size(vq);

		gpa = ring_addr(vq, d, q, which) + rdn(r, 2) % bytes;
		break;
	}
	case 1: gpa = VX_DATA + rdn(r, 2); break;
	case 2: gpa = VX_PML4 + rdn(r, 2) % 0x7000; break;
	default: gpa = rdn(r, 4) % VX_RAM_SIZE;
	}
	for (unsigned i = 0; i < len; i++)
		buf[i] = (uint8_t)rd8(r);
	if (vx_trace) {
		fprintf(stderr, "mem %#llx <-", (unsigned long long)gpa);
		for (unsigned i = 0; i < len; i++)
			fprintf(stderr, " %02x", buf[i]);
		fprintf(stderr, "\n");
	}
	guest_write(gpa, buf, len);
}

static uint64_t pick_buffer(struct rd *r, const struct virtq *vq, unsigned d, unsigned q)
{
	unsigned sel = rd8(r);

	switch (sel % 6) {
	case 0:
	case 1:
	case 2: return VX_DATA + (rdn(r, 2) % VX_DATA_SIZE & ~0xfull);
	case 3: return ring_addr(vq, d, q, rd8(r) % 3) + (rd8(r) & 0xf0); /* rings, indirect tables */
	case 4: return VX_RAM_SIZE - (rd8(r) % 64);
	default: return rdn(r, 8);
	}
}

/* One descriptor (virtio 1.x 2.7.5) written into the queue's table. */
static void op_vq_desc(struct rd *r)
{
	unsigned d, q;
	struct virtq *vq = pick_queue(r, &d, &q);
	unsigned idx = rd8(r) % queue_size(vq);
	struct virtq_desc desc;

	desc.addr = pick_buffer(r, vq, d, q);
	desc.len = (uint32_t)rd_value(r, 4);
	desc.flags = (uint16_t)(rd8(r) & 7);
	desc.next = (uint16_t)rd8(r);
	if (vx_trace)
		fprintf(stderr, "desc dev%u q%u [%u] = {addr %#llx len %#x flags %#x next %u}\n", d, q, idx,
		        (unsigned long long)desc.addr, desc.len, desc.flags, desc.next);
	guest_write(ring_addr(vq, d, q, 0) + 16ull * idx, &desc, sizeof(desc));
}

/* Makes chain `head` available and maybe notifies the device. */
static void op_vq_avail(struct rd *r, unsigned cpu)
{
	unsigned d, q;
	struct virtq *vq = pick_queue(r, &d, &q);
	unsigned flags = rd8(r);
	uint16_t head = (uint16_t)(flags & 0x80 ? rdn(r, 2) : rd8(r) % queue_size(vq));
	uint64_t avail = ring_addr(vq, d, q, 1);
	uint16_t idx = 0, aflags = flags & 1 ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0;

	gmem_read(hv_vm_gmem(vx.vm), avail + 2, &idx, 2);
	guest_write(avail + 4 + 2ull * (idx % queue_size(vq)), &head, 2);
	idx = (uint16_t)(idx + (flags & 0x08 ? rd8(r) : 1));
	guest_write(avail, &aflags, 2);
	guest_write(avail + 2, &idx, 2);
	if (flags & 0x04) { /* used_event (EVENT_IDX) */
		uint16_t ev = (uint16_t)rdn(r, 2);

		guest_write(avail + 4 + 2ull * queue_size(vq), &ev, 2);
	}
	if (vx_trace)
		fprintf(stderr, "avail dev%u q%u: head %u, idx -> %u\n", d, q, head, idx);
	if (flags & 0x02)
		mmio_access(cpu, vx_virtio_bar(d, VIRTIO_PCI_BAR) + VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * q,
		            2, true, q);
}

#define FIRST_QUEUE_REG 9 /* in op_virtio_setup's list */

/* A driver's initialisation of one queue (virtio 1.x 3.1.1), each
 * register write an MMIO exit. Stops at the first write that does not run. */
static void op_virtio_setup(struct rd *r, unsigned cpu)
{
	unsigned d = rd8(r) % VX_NVIRTIO, f = rd8(r);
	struct virtio_dev *v = vx.virtio[d];
	unsigned q = rd8(r) % v->nqueues;
	uint16_t qsize = (uint16_t)(1u << (rd8(r) % 9));
	uint64_t c = vx_virtio_bar(d, VIRTIO_PCI_BAR) + VIRTIO_PCI_COMMON_OFF;
	uint32_t lo = (f & 1 ? 1u << VIRTIO_F_INDIRECT_DESC : 0) | (f & 2 ? 1u << VIRTIO_F_EVENT_IDX : 0) |
	              (f & 4 ? (uint32_t)v->host_features : 0);
	uint16_t vec = f & 0x10 ? (uint16_t)(q + 1) : VIRTIO_MSI_NO_VECTOR;
	const struct {
		unsigned off, size;
		uint64_t val;
	} w[] = {
	    {VIRTIO_PCI_COMMON_STATUS, 1, 0},
	    {VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE},
	    {VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER},
	    {VIRTIO_PCI_COMMON_GFSELECT, 4, 0},
	    {VIRTIO_PCI_COMMON_GF, 4, lo},
	    {VIRTIO_PCI_COMMON_GFSELECT, 4, 1},
	    {VIRTIO_PCI_COMMON_GF, 4, f & 8 ? 0 : 1},
	    {VIRTIO_PCI_COMMON_STATUS, 1, 0xb},
	    {VIRTIO_PCI_COMMON_MSIX, 2, f & 0x10 ? 0 : VIRTIO_MSI_NO_VECTOR},
	    {VIRTIO_PCI_COMMON_Q_SELECT, 2, q},
	    {VIRTIO_PCI_COMMON_Q_SIZE, 2, qsize},
	    {VIRTIO_PCI_COMMON_Q_MSIX, 2, vec},
	    {VIRTIO_PCI_COMMON_Q_DESCLO, 4, default_ring(d, q, 0)},
	    {VIRTIO_PCI_COMMON_Q_DESCHI, 4, 0},
	    {VIRTIO_PCI_COMMON_Q_AVAILLO, 4, default_ring(d, q, 1)},
	    {VIRTIO_PCI_COMMON_Q_AVAILHI, 4, 0},
	    {VIRTIO_PCI_COMMON_Q_USEDLO, 4, default_ring(d, q, 2)},
	    {VIRTIO_PCI_COMMON_Q_USEDHI, 4, 0},
	    {VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1},
	    {VIRTIO_PCI_COMMON_STATUS, 1, 0xf},
	};

	bool live = !(f & 0x20) && (v->status & VIRTIO_STATUS_DRIVER_OK);

	if (vx_trace)
		fprintf(stderr, "virtio setup dev%u queue %u size %u features %#x vector %#x%s\n", d, q, qsize, lo, vec,
		        live ? " (device live)" : "");
	if (f & 0x10 && v->pci.msix.cap) { /* MSI-X on, table entries aimed at the LAPIC */
		uint64_t ecam = HV_PCI_ECAM_DEFAULT + ((uint64_t)v->pci.slot << 15) + v->pci.msix.cap + PCI_MSIX_FLAGS;
		uint64_t table = vx_virtio_bar(d, VIRTIO_PCI_MSIX_BAR) + VIRTIO_PCI_MSIX_TABLE;

		for (unsigned i = 0; i <= q + 1; i++) {
			if (mmio_access(cpu, table + 16 * i, 4, true, HV_LAPIC_BASE) != HV_STEP_RAN ||
			    mmio_access(cpu, table + 16 * i + 8, 4, true, 0x40 + i) != HV_STEP_RAN ||
			    mmio_access(cpu, table + 16 * i + 12, 4, true, 0) != HV_STEP_RAN)
				return;
		}
		if (mmio_access(cpu, ecam, 2, true, PCI_MSIX_FLAGS_ENABLE) != HV_STEP_RAN)
			return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(w); i++) {
		/* A live device gets only the queue's registers (a second queue
		 * of a running driver), unless the input asks for a reset. */
		if (live && (i < FIRST_QUEUE_REG || i == ARRAY_SIZE(w) - 1))
			continue;
		if (mmio_access(cpu, c + w[i].off, w[i].size, true, w[i].val) != HV_STEP_RAN)
			return;
	}
}

static uint32_t pick_cfg_value(struct rd *r, unsigned reg, unsigned size)
{
	unsigned sel = rd8(r);

	if (reg >= 0x10 && reg < 0x28 && sel < 0xc0) {
		static const uint32_t bars[] = {0xffffffff, 0, 0xfee00000, 0xfec00000, 0xb0000000, 0x100000};

		if (sel % 3 == 0)
			return (uint32_t)(HV_PCI_MMIO_BASE + ((uint64_t)rd8(r) << 12));
		if (sel % 3 == 1)
			return (uint32_t)(HV_PCI_IO_BASE + rd8(r) * 0x40) | 1;
		return bars[rd8(r) % ARRAY_SIZE(bars)];
	}
	return (uint32_t)rd_value(r, size);
}

/* A config access through conf1 (0xcf8/0xcfc) or ECAM. */
static void op_pci_cfg(struct rd *r, unsigned cpu)
{
	static const uint8_t regs[] = {0x00, 0x04, 0x06, 0x0c, 0x10, 0x14, 0x18,
	                               0x1c, 0x20, 0x24, 0x30, 0x34, 0x3c, 0x3d};
	unsigned sel = rd8(r), slot = rd8(r), fn = sel & 0x02 ? rd8(r) % 8 : 0, reg, size, rsel;
	bool write = sel & 0x04;
	uint32_t val = 0;

	slot = slot < 0xf0 ? slot % 4 : slot % 32;
	rsel = rd8(r);
	if (rsel < 0xa0)
		reg = regs[rsel % ARRAY_SIZE(regs)];
	else if (rsel < 0xd0 && slot && vx.pci->slot[slot] && vx.pci->slot[slot]->msix.cap)
		reg = vx.pci->slot[slot]->msix.cap + rd8(r) % 12;
	else
		reg = (unsigned)rdn(r, 2) % 4096;
	size = pick_size(r, false);
	if (size == 8)
		size = 4;
	reg &= ~(size - 1);
	if (write)
		val = pick_cfg_value(r, reg, size);
	if (vx_trace)
		fprintf(stderr, "pci %s 00:%02x.%u reg %#x size %u%s", sel & 1 ? "ecam" : "conf1", slot, fn, reg, size,
		        write ? "" : "\n");
	if (vx_trace && write)
		fprintf(stderr, " <- %#x\n", val);
	if (sel & 1) {
		mmio_access(cpu, HV_PCI_ECAM_DEFAULT + (slot << 15) + (fn << 12) + reg, size, write, val);
		return;
	}
	if (io_access(cpu, 0xcf8, 4, false, (sel & 0x08 ? 0 : 0x80000000u) | slot << 11 | fn << 8 | (reg & 0xfc)) !=
	    HV_STEP_RAN)
		return;
	io_access(cpu, (uint16_t)(0xcfc + (reg & 3)), size, !write, val);
}

static void op_time(struct rd *r)
{
	unsigned v = rd8(r);
	ktime_t ns = (ktime_t)((v & 0xf) + 1) << ((v >> 4) + 6); /* 64 ns .. 32 ms */

	if (vx_trace)
		fprintf(stderr, "time +%llu ns\n", (unsigned long long)ns);
	thread_sleep_ns(ns); /* virtual time: the VM's timer thread runs */
}

static void op_host_input(struct rd *r)
{
	static uint8_t buf[2048];
	unsigned which = rd8(r) % 3;
	size_t len = which == 1 ? (rdn(r, 2) % sizeof(buf)) : rd8(r) % 64;
	int ret;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i < 64 ? rd8(r) : i);
	switch (which) {
	case 0:
		if (vx_trace)
			fprintf(stderr, "host: %zu bytes into COM1\n", len);
		hv_vm_console_input(vx.vm, buf, len);
		break;
	case 1:
		hv_vm_lock_devices(vx.vm);
		ret = virtio_net_receive(vx.net, buf, len);
		hv_vm_unlock_devices(vx.vm);
		if (vx_trace)
			fprintf(stderr, "host: frame of %zu bytes to virtio-net: %d\n", len, ret);
		break;
	default:
		hv_vm_lock_devices(vx.vm);
		ret = (int)virtio_console_receive(vx.con, buf, len);
		hv_vm_unlock_devices(vx.vm);
		if (vx_trace)
			fprintf(stderr, "host: %zu bytes to virtio-console: %d taken\n", len, ret);
	}
}

static void op_regs(struct rd *r, unsigned cpu)
{
	struct cpu_edit *ed = &edit[cpu];
	unsigned sel = rd8(r), g = sel % 18;

	if (g < 16) {
		ed->gpr_mask |= 1u << g;
		ed->gpr[g] = sel & 0x80 ? pick_gpa(r) : rd_value(r, 8);
		if (vx_trace)
			fprintf(stderr, "cpu%u gpr%u = %#llx\n", cpu, g, (unsigned long long)ed->gpr[g]);
	} else if (g == 16) {
		ed->set_rip = true;
		ed->rip = sel & 0x80 ? rdn(r, 8) : VX_CODE + rd8(r);
		if (vx_trace)
			fprintf(stderr, "cpu%u rip = %#llx\n", cpu, (unsigned long long)ed->rip);
	} else {
		ed->set_rflags = true;
		ed->rflags = rd_value(r, 4) | 2;
		if (vx_trace)
			fprintf(stderr, "cpu%u rflags = %#llx\n", cpu, (unsigned long long)ed->rflags);
	}
}

static void op_mode(struct rd *r, unsigned cpu)
{
	struct cpu_edit *ed = &edit[cpu];
	unsigned sel = rd8(r);

	ed->set_mode = true;
	ed->mode = (enum vx_mode)(sel % VX_MODE_COUNT);
	ed->user = sel & 0x08;
	if (sel & 0x10) {
		ed->set_cr3 = true;
		ed->cr3 = sel & 0x80 ? rdn(r, 8) : (rdn(r, 4) % VX_RAM_SIZE) & ~0xfffull;
	}
	if (sel & 0x20) {
		ed->set_cr4 = true;
		ed->cr4 =
		    (ed->mode == VX_MODE_REAL || ed->mode == VX_MODE_FLAT32 ? 0 : 1u << 5) ^ (rdn(r, 4) & 0x3f07ff);
	}
	if (sel & 0x40) {
		ed->set_efer = true;
		ed->efer = rd_value(r, 4) & 0xd01;
	}
	if (vx_trace)
		fprintf(stderr, "cpu%u mode %u%s%s\n", cpu, ed->mode, ed->user ? " user" : "",
		        ed->set_cr3 ? " (cr3 changed)" : "");
}

static void run_op(struct rd *r)
{
	unsigned op = rd8(r), cpu = (op >> 5) == 7 ? 1 : 0;

	switch (kinds[op & 31]) {
	case K_OUT: op_io(r, cpu, false); break;
	case K_IN: op_io(r, cpu, true); break;
	case K_MMIO_W: op_mmio(r, cpu, true); break;
	case K_MMIO_R: op_mmio(r, cpu, false); break;
	case K_NPF: op_npf(r, cpu); break;
	case K_CPUID: op_cpuid(r, cpu); break;
	case K_RDMSR: op_msr(r, cpu, false); break;
	case K_WRMSR: op_msr(r, cpu, true); break;
	case K_HLT: op_hlt(r, cpu); break;
	case K_HYPERCALL: op_hypercall(r, cpu); break;
	case K_EXIT_OTHER: op_exit_other(r, cpu); break;
	case K_MEM: op_mem(r); break;
	case K_VQ_DESC: op_vq_desc(r); break;
	case K_VQ_AVAIL: op_vq_avail(r, cpu); break;
	case K_VIRTIO_SETUP: op_virtio_setup(r, cpu); break;
	case K_PCI_CFG: op_pci_cfg(r, cpu); break;
	case K_TIME: op_time(r); break;
	case K_HOST_INPUT: op_host_input(r); break;
	case K_REGS: op_regs(r, cpu); break;
	case K_MODE: op_mode(r, cpu); break;
	}
}

void vx_run(const uint8_t *data, size_t size)
{
	struct rd r = {data, data + size};

	memset(edit, 0, sizeof(edit));
	next_valid = false;
	ops_done = 0;
	while (rd_more(&r) && ops_done < MAX_OPS && hv_vm_state(vx.vm) == HV_VM_RUNNING) {
		run_op(&r);
		ops_done++;
	}
	if (vx_trace && hv_vm_state(vx.vm) == HV_VM_RUNNING)
		fprintf(stderr, "== %u operations; VM still running\n", ops_done);
	else if (vx_trace)
		fprintf(stderr, "== %u operations\n", ops_done);
}
