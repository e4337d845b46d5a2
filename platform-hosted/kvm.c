/* The KVM backend (include/hv/backend.h) on the hosted platform.
 *
 * hv/ keeps every device, including the PIC, IOAPIC and LAPICs: the VM has
 * no in-kernel irqchip, so the APIC page at 0xfee00000 exits as MMIO, and
 * external interrupts go in with KVM_INTERRUPT. Guest RAM is the hosted
 * machine's RAM: host-physical `hpa` is plat_phys_to_virt(hpa) in this
 * process, so each mapped chunk is one memory slot.
 *
 * KVM_RUN blocks the host thread of the hosted CPU that calls it, like user
 * mode does. Two things end it early, both with KVM_KICK_SIGNAL:
 *   kick(): sets immediate_exit and signals the thread inside KVM_RUN;
 *   a per-thread 1 ms timer, so the hosted CPU notices its own interrupts
 *   and its time slice while a guest runs (in virtual time each tick of
 *   it counts as 1 ms of guest execution). */
#include "kvm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <plat/mem.h>
#include <plat/time.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <hv/dev/irqchip.h>

#include "../sim/sim.h"
#include "hosted.h"

#define KVM_MAX_SLOTS     512
#define POLL_NS           1000000ull    /* how often a running guest checks its hosted CPU */
#define RUN_SLICE_NS      10000000ull   /* a guest run longer than this yields */
#define TSS_ADDR          0xfffbd000ull /* three pages KVM needs below 4 GiB on VMX */
#define IDENTITY_MAP_ADDR 0xfffbc000ull

/* MSRs hv/'s LAPIC owns: KVM would otherwise handle (or ignore) them. */
#define MSR_APIC_BASE    0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_COUNT 0x100

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* --- the per-thread poll timer ---------------------------------------- */

static __thread timer_t poll_timer;
static __thread bool poll_timer_ok;

static void poll_timer_arm(bool on)
{
	struct itimerspec its;

	if (!poll_timer_ok) {
		struct sigevent sev;
		if (!on)
			return;
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = KVM_KICK_SIGNAL;
		sev._sigev_un._tid = gettid_();
		if (timer_create(CLOCK_MONOTONIC, &sev, &poll_timer) != 0)
			return;
		poll_timer_ok = true;
	}
	memset(&its, 0, sizeof(its));
	if (on) {
		its.it_value.tv_nsec = (long)POLL_NS;
		its.it_interval.tv_nsec = (long)POLL_NS;
	}
	timer_settime(poll_timer, 0, &its, NULL);
}

/* --- VM ---------------------------------------------------------------- */

static int set_msr_filter(int vmfd)
{
	/* A range's bitmap has a 1 for each MSR KVM may handle; all zero sends
	 * every MSR of the range to us as KVM_MSR_EXIT_REASON_FILTER. */
	static uint8_t deny[MSR_X2APIC_COUNT / 8];
	struct kvm_msr_filter f;

	memset(&f, 0, sizeof(f));
	f.flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
	f.ranges[0] = (struct kvm_msr_filter_range){KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, 1, MSR_APIC_BASE, deny};
	f.ranges[1] =
	    (struct kvm_msr_filter_range){KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, 1, MSR_TSC_DEADLINE, deny};
	f.ranges[2] = (struct kvm_msr_filter_range){KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, MSR_X2APIC_COUNT,
	                                            MSR_X2APIC_FIRST, deny};
	return ioctl(vmfd, KVM_X86_SET_MSR_FILTER, &f) < 0 ? -errno : 0;
}

static int kvm_vm_create(void **vm_priv)
{
	struct kvm_vm *vm = calloc(1, sizeof(*vm));
	uint64_t idmap = IDENTITY_MAP_ADDR;

	if (!vm)
		return -ENOMEM;
	vm->fd = ioctl(kvm_host.fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int err = -errno;
		free(vm);
		return err;
	}
	pthread_mutex_init(&vm->lock, NULL);
	/* Real mode and unpaged protected mode on VMX without unrestricted
	 * guest need these; harmless elsewhere. */
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR) < 0 ||
	    ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
		int err = -errno;
		close(vm->fd);
		free(vm);
		return err;
	}
	if (kvm_host.user_msr) {
		struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR};
		cap.args[0] = KVM_MSR_EXIT_REASON_UNKNOWN | (kvm_host.msr_filter ? KVM_MSR_EXIT_REASON_FILTER : 0);
		if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap) == 0 && kvm_host.msr_filter)
			set_msr_filter(vm->fd);
	}
	if (kvm_host.exit_hypercall) {
		struct kvm_enable_cap cap = {.cap = KVM_CAP_EXIT_HYPERCALL};
		cap.args[0] = 1ull << KVM_HC_MAP_GPA_RANGE;
		ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
	}
	*vm_priv = vm;
	return 0;
}

static void kvm_vm_destroy(void *vm_priv)
{
	struct kvm_vm *vm = vm_priv;

	if (!vm)
		return;
	close(vm->fd);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

static int set_slot(struct kvm_vm *vm, unsigned idx, uint64_t gpa, uint64_t size, void *host, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {.slot = idx,
	                                        .flags = flags,
	                                        .guest_phys_addr = gpa,
	                                        .memory_size = size,
	                                        .userspace_addr = (uintptr_t)host};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

static int kvm_map(void *vm_priv, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	struct kvm_vm *vm = vm_priv;
	int err = -ENOSPC;

	if (!size || (gpa | hpa | size) & 4095 || gpa + size < gpa || hpa + size > hosted_ram_size())
		return -EINVAL;
	if (!writable && !kvm_host.readonly_mem)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < KVM_MAX_SLOTS; i++) {
		if (vm->slot[i].used)
			continue;
		err = set_slot(vm, i, gpa, size, plat_phys_to_virt(hpa),
		               writable ? KVM_MEM_LOG_DIRTY_PAGES : KVM_MEM_READONLY);
		if (!err)
			vm->slot[i] = (struct kvm_slot){gpa, size, hpa, true};
		break;
	}
	pthread_mutex_unlock(&vm->lock);
	return err;
}

/* Removes every slot inside [gpa, gpa+size); a slot that only overlaps the
 * range cannot be split: -EINVAL, nothing removed. */
static int kvm_unmap(void *vm_priv, uint64_t gpa, uint64_t size)
{
	struct kvm_vm *vm = vm_priv;
	uint64_t end = gpa + size;
	int err = 0;

	pthread_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < KVM_MAX_SLOTS; i++) {
		struct kvm_slot *s = &vm->slot[i];
		if (s->used && s->gpa < end && gpa < s->gpa + s->size && (s->gpa < gpa || s->gpa + s->size > end))
			err = -EINVAL;
	}
	for (unsigned i = 0; i < KVM_MAX_SLOTS && !err; i++) {
		struct kvm_slot *s = &vm->slot[i];
		if (!s->used || s->gpa < gpa || s->gpa + s->size > end)
			continue;
		err = set_slot(vm, i, s->gpa, 0, NULL, 0);
		if (!err)
			s->used = false;
	}
	pthread_mutex_unlock(&vm->lock);
	return err;
}

/* KVM's dirty log, slot by slot (each call also clears it); every slot must
 * lie wholly inside or outside [gpa, gpa+size). */
static int kvm_dirty_log(void *vm_priv, uint64_t gpa, uint64_t size, uint64_t *bits)
{
	struct kvm_vm *vm = vm_priv;
	uint64_t end = gpa + size, pages = size / 4096;
	int err = 0;

	if (!size || (gpa | size) & 4095 || end < gpa)
		return -EINVAL;
	memset(bits, 0, (pages + 63) / 64 * 8);
	pthread_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < KVM_MAX_SLOTS && !err; i++) {
		const struct kvm_slot *s = &vm->slot[i];
		uint64_t n = s->size / 4096, first = (s->gpa - gpa) / 4096;
		struct kvm_dirty_log log = {.slot = i};
		uint64_t *slot_bits;
		if (!s->used || s->gpa >= end || s->gpa + s->size <= gpa)
			continue;
		if (s->gpa < gpa || s->gpa + s->size > end) {
			err = -EINVAL;
			break;
		}
		slot_bits = calloc((n + 63) / 64, 8);
		if (!slot_bits) {
			err = -ENOMEM;
			break;
		}
		log.dirty_bitmap = slot_bits;
		if (ioctl(vm->fd, KVM_GET_DIRTY_LOG, &log) < 0)
			err = -errno;
		for (uint64_t p = 0; p < n && !err; p++)
			if (slot_bits[p / 64] >> (p % 64) & 1)
				bits[(first + p) / 64] |= 1ull << ((first + p) % 64);
		free(slot_bits);
	}
	pthread_mutex_unlock(&vm->lock);
	return err;
}

/* --- vCPU -------------------------------------------------------------- */

static int set_supported_cpuid(int vcpufd)
{
	struct kvm_cpuid2 *c;
	int n = 256, err;

	for (;;) {
		c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = (uint32_t)n;
		if (ioctl(kvm_host.fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		err = -errno;
		free(c);
		if (err != -E2BIG || n > 4096)
			return err;
		n *= 2;
	}
	err = ioctl(vcpufd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	return err;
}

/* Reads the guest's IA32_TSC. */
static int kvm_tsc_read(int vcpufd, uint64_t *value)
{
	/* struct kvm_msrs ends in a flexible array: one entry after it. */
	uint64_t buf[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) / sizeof(uint64_t)] = {0};
	struct kvm_msrs *m = (struct kvm_msrs *)buf;

	m->nmsrs = 1;
	m->entries[0].index = 0x10;
	if (ioctl(vcpufd, KVM_GET_MSRS, m) != 1)
		return -EIO;
	*value = m->entries[0].data;
	return 0;
}

static int kvm_vcpu_create(void *vm_priv, unsigned id, void **vcpu_priv)
{
	struct kvm_vm *vm = vm_priv;
	struct kvm_vcpu *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0) {
		err = -errno;
		free(v);
		return err;
	}
	v->run = mmap(NULL, kvm_host.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		err = -errno;
		close(v->fd);
		free(v);
		return err;
	}
	/* Until hv/ sets its policy, the vCPU has what KVM supports: KVM checks
	 * EFER.LME against CPUID, so the boot state may come first. */
	set_supported_cpuid(v->fd);
	v->id = id;
	v->vm = vm;
	v->pending_inject = -1;
	*vcpu_priv = v;
	return 0;
}

static void kvm_vcpu_destroy(void *vcpu_priv)
{
	struct kvm_vcpu *v = vcpu_priv;

	if (!v)
		return;
	munmap(v->run, kvm_host.run_size);
	close(v->fd);
	free(v);
}

static int kvm_get_regs(void *vcpu_priv, struct hv_regs *r)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_regs k;

	if (ioctl(v->fd, KVM_GET_REGS, &k) < 0)
		return -errno;
	r->gpr[0] = k.rax, r->gpr[1] = k.rcx, r->gpr[2] = k.rdx, r->gpr[3] = k.rbx;
	r->gpr[4] = k.rsp, r->gpr[5] = k.rbp, r->gpr[6] = k.rsi, r->gpr[7] = k.rdi;
	r->gpr[8] = k.r8, r->gpr[9] = k.r9, r->gpr[10] = k.r10, r->gpr[11] = k.r11;
	r->gpr[12] = k.r12, r->gpr[13] = k.r13, r->gpr[14] = k.r14, r->gpr[15] = k.r15;
	r->rip = k.rip;
	r->rflags = k.rflags;
	return 0;
}

static int kvm_set_regs(void *vcpu_priv, const struct hv_regs *r)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_regs k = {
	    .rax = r->gpr[0],
	    .rcx = r->gpr[1],
	    .rdx = r->gpr[2],
	    .rbx = r->gpr[3],
	    .rsp = r->gpr[4],
	    .rbp = r->gpr[5],
	    .rsi = r->gpr[6],
	    .rdi = r->gpr[7],
	    .r8 = r->gpr[8],
	    .r9 = r->gpr[9],
	    .r10 = r->gpr[10],
	    .r11 = r->gpr[11],
	    .r12 = r->gpr[12],
	    .r13 = r->gpr[13],
	    .r14 = r->gpr[14],
	    .r15 = r->gpr[15],
	    .rip = r->rip,
	    .rflags = r->rflags | 2, /* bit 1 is always set */
	};

	return ioctl(v->fd, KVM_SET_REGS, &k) < 0 ? -errno : 0;
}

static void seg_from_kvm(struct hv_segment *h, const struct kvm_segment *k)
{
	*h = (struct hv_segment){k->base, k->limit, k->selector, k->type, k->present, k->dpl,
	                         k->db,   k->s,     k->l,        k->g,    k->avl,     k->unusable};
}

static void seg_to_kvm(struct kvm_segment *k, const struct hv_segment *h)
{
	*k = (struct kvm_segment){.base = h->base,
	                          .limit = h->limit,
	                          .selector = h->selector,
	                          .type = h->type,
	                          .present = h->present,
	                          .dpl = h->dpl,
	                          .db = h->db,
	                          .s = h->s,
	                          .l = h->l,
	                          .g = h->g,
	                          .avl = h->avl,
	                          .unusable = h->unusable};
}

static int kvm_get_sregs(void *vcpu_priv, struct hv_sregs *s)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_sregs k;

	if (ioctl(v->fd, KVM_GET_SREGS, &k) < 0)
		return -errno;
	seg_from_kvm(&s->cs, &k.cs), seg_from_kvm(&s->ds, &k.ds), seg_from_kvm(&s->es, &k.es);
	seg_from_kvm(&s->fs, &k.fs), seg_from_kvm(&s->gs, &k.gs), seg_from_kvm(&s->ss, &k.ss);
	seg_from_kvm(&s->tr, &k.tr), seg_from_kvm(&s->ldt, &k.ldt);
	s->gdt = (struct hv_dtable){k.gdt.base, k.gdt.limit};
	s->idt = (struct hv_dtable){k.idt.base, k.idt.limit};
	s->cr0 = k.cr0, s->cr2 = k.cr2, s->cr3 = k.cr3, s->cr4 = k.cr4, s->cr8 = k.cr8;
	s->efer = k.efer, s->apic_base = k.apic_base;
	return 0;
}

static int kvm_set_sregs(void *vcpu_priv, const struct hv_sregs *s)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_sregs k;

	/* Read first: interrupt_bitmap holds an interrupt KVM has queued. */
	if (ioctl(v->fd, KVM_GET_SREGS, &k) < 0)
		return -errno;
	seg_to_kvm(&k.cs, &s->cs), seg_to_kvm(&k.ds, &s->ds), seg_to_kvm(&k.es, &s->es);
	seg_to_kvm(&k.fs, &s->fs), seg_to_kvm(&k.gs, &s->gs), seg_to_kvm(&k.ss, &s->ss);
	seg_to_kvm(&k.tr, &s->tr), seg_to_kvm(&k.ldt, &s->ldt);
	k.gdt = (struct kvm_dtable){.base = s->gdt.base, .limit = s->gdt.limit};
	k.idt = (struct kvm_dtable){.base = s->idt.base, .limit = s->idt.limit};
	k.cr0 = s->cr0, k.cr2 = s->cr2, k.cr3 = s->cr3, k.cr4 = s->cr4, k.cr8 = s->cr8;
	k.efer = s->efer, k.apic_base = s->apic_base;
	return ioctl(v->fd, KVM_SET_SREGS, &k) < 0 ? -errno : 0;
}

static int kvm_set_cpuid(void *vcpu_priv, const struct hv_cpuid_entry *e, unsigned n)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_cpuid2 *c;
	int err;

	if (n > 1024)
		return -E2BIG;
	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = n;
	for (unsigned i = 0; i < n; i++) {
		struct kvm_cpuid_entry2 *k = &c->entries[i];
		k->function = e[i].leaf;
		k->index = e[i].subleaf;
		k->flags = e[i].subleaf_matters ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
		k->eax = e[i].eax, k->ebx = e[i].ebx, k->ecx = e[i].ecx, k->edx = e[i].edx;
	}
	err = ioctl(v->fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
	return err;
}

/* --- run --------------------------------------------------------------- */

static void *io_element(struct kvm_run *run, unsigned i)
{
	return (uint8_t *)run + run->io.data_offset + (size_t)i * run->io.size;
}

static void report_io_element(struct kvm_vcpu *v, struct hv_exit *e)
{
	struct kvm_run *run = v->run;

	e->reason = HV_EXIT_IO;
	e->u.io.port = run->io.port;
	e->u.io.size = run->io.size;
	e->u.io.in = run->io.direction == KVM_EXIT_IO_IN;
	e->u.io.string = v->str.active;
	e->u.io.rep = v->str.active;
	e->u.io.data = 0;
	if (!e->u.io.in)
		memcpy(&e->u.io.data, io_element(run, v->str.index), run->io.size);
}

/* Writes hv/'s results for the previous exit where KVM picks them up. */
static void complete_exit(struct kvm_vcpu *v, struct hv_run *hr)
{
	struct kvm_run *run = v->run;
	const struct hv_exit *e = &hr->exit;

	switch (v->last) {
	case HV_EXIT_IO:
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_IN)
			memcpy(io_element(run, v->str.index), &e->u.io.data, run->io.size);
		break;
	case HV_EXIT_MMIO:
		if (run->exit_reason == KVM_EXIT_MMIO && !run->mmio.is_write)
			memcpy(run->mmio.data, &e->u.mmio.data, run->mmio.len);
		break;
	case HV_EXIT_MSR_READ:
		if (run->exit_reason == KVM_EXIT_X86_RDMSR)
			run->msr.data = e->u.msr.value;
		break;
	case HV_EXIT_HYPERCALL:
		if (run->exit_reason == KVM_EXIT_HYPERCALL) {
			struct kvm_regs k;
			/* hv/ left the result in rax; KVM copies hypercall.ret there. */
			if (ioctl(v->fd, KVM_GET_REGS, &k) == 0)
				run->hypercall.ret = k.rax;
		}
		break;
	default: break;
	}
}

static int raise_exception(struct kvm_vcpu *v, const struct hv_run *hr)
{
	struct kvm_vcpu_events ev;

	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	ev.exception.injected = 1;
	ev.exception.nr = (uint8_t)hr->exception_vector;
	ev.exception.has_error_code = hr->exception_has_error;
	ev.exception.error_code = hr->exception_error;
	ev.flags = 0;
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0 ? -errno : 0;
}

/* The hosted CPU running this vCPU has an interrupt of its own to take, or
 * (real time) has run guest code for a whole slice. */
static bool hosted_cpu_wants_back(ktime_t started)
{
	struct hcpu *c = hosted_this_cpu();

	if (!c->is_cpu)
		return false;
	if (hosted_time_peek() - started > RUN_SLICE_NS)
		return true;
	return irqchip_has_pending(sim_irqchip(), c->id, hosted_time_peek());
}

static void translate_exit(struct kvm_vcpu *v, struct hv_exit *e)
{
	struct kvm_run *run = v->run;

	e->hw_code = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		v->str.active = run->io.count > 1;
		v->str.index = 0;
		v->str.count = run->io.count;
		report_io_element(v, e);
		break;
	case KVM_EXIT_MMIO:
		e->reason = HV_EXIT_MMIO;
		e->u.mmio.gpa = run->mmio.phys_addr;
		e->u.mmio.size = (uint8_t)run->mmio.len;
		e->u.mmio.write = run->mmio.is_write;
		e->u.mmio.data = 0;
		if (run->mmio.is_write)
			memcpy(&e->u.mmio.data, run->mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
		break;
	case KVM_EXIT_HLT: e->reason = HV_EXIT_HLT; break;
	case KVM_EXIT_SHUTDOWN: e->reason = HV_EXIT_SHUTDOWN; break;
	case KVM_EXIT_IRQ_WINDOW_OPEN: e->reason = HV_EXIT_INTR_WINDOW; break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		e->reason = run->exit_reason == KVM_EXIT_X86_RDMSR ? HV_EXIT_MSR_READ : HV_EXIT_MSR_WRITE;
		e->u.msr.index = run->msr.index;
		e->u.msr.value = run->exit_reason == KVM_EXIT_X86_WRMSR ? run->msr.data : 0;
		break;
	case KVM_EXIT_HYPERCALL: e->reason = HV_EXIT_HYPERCALL; break;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = HV_EXIT_INVALID_STATE;
		e->hw_code = run->fail_entry.hardware_entry_failure_reason << 8 | KVM_EXIT_FAIL_ENTRY;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		e->reason = HV_EXIT_INVALID_STATE;
		e->hw_code = (uint64_t)run->internal.suberror << 8 | KVM_EXIT_INTERNAL_ERROR;
		break;
	default: /* debug, system events...: nothing hv/ asked for */ e->reason = HV_EXIT_INVALID_STATE; break;
	}
}

static int kvm_run(void *vcpu_priv, struct hv_run *hr)
{
	struct kvm_vcpu *v = vcpu_priv;
	struct kvm_run *run = v->run;
	struct hv_exit *e = &hr->exit;
	ktime_t started;
	int rc, err = 0;

	if (hr->inject_vector >= 0)
		v->pending_inject = hr->inject_vector;
	if (hr->inject_nmi)
		v->pending_nmi = true;
	if (hr->complete)
		complete_exit(v, hr);
	/* A refused MSR access: KVM raises the #GP itself when error is set
	 * (hv/ asks for it with exception_vector 13 and no completion). */
	if ((v->last == HV_EXIT_MSR_READ || v->last == HV_EXIT_MSR_WRITE) &&
	    (run->exit_reason == KVM_EXIT_X86_RDMSR || run->exit_reason == KVM_EXIT_X86_WRMSR))
		run->msr.error = hr->exception_vector == 13 ? 1 : 0;
	/* The rest of a string I/O: the next element, without entering. */
	if (v->str.active && ++v->str.index < v->str.count) {
		report_io_element(v, e);
		hr->intr_ready = false;
		return 0;
	}
	v->str.active = false;
	if (hr->exception_vector >= 0 && v->last != HV_EXIT_MSR_READ && v->last != HV_EXIT_MSR_WRITE) {
		err = raise_exception(v, hr);
		if (err)
			return err;
	}
	if (v->pending_inject >= 0) {
		struct kvm_interrupt irq = {.irq = (uint32_t)v->pending_inject};
		/* KVM holds it until the guest can take it; EEXIST: it still
		 * holds an earlier one, ours waits for the next entry. */
		if (ioctl(v->fd, KVM_INTERRUPT, &irq) == 0)
			v->pending_inject = -1;
		else if (errno != EEXIST)
			return -errno;
	}
	/* KVM keeps NMI blocking itself (until the guest's IRET) and holds
	 * the NMI until then. */
	if (v->pending_nmi) {
		if (ioctl(v->fd, KVM_NMI) < 0)
			return -errno;
		v->pending_nmi = false;
	}
	run->request_interrupt_window = hr->request_intr_window;
	memset(e, 0, sizeof(*e));
	started = hosted_time_peek();
	__atomic_store_n(&v->tid, gettid_(), __ATOMIC_SEQ_CST);
	poll_timer_arm(true);
	for (;;) {
		rc = ioctl(v->fd, KVM_RUN, 0);
		if (rc == 0 && run->exit_reason == KVM_EXIT_INTERNAL_ERROR && kvm_emulate_failed_insn(v) == 0)
			continue; /* an instruction KVM could not emulate and we could */
		if (rc == 0 || errno != EINTR)
			break;
		if (__atomic_exchange_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST))
			break;
		/* Virtual time: the poll timer says the guest ran about POLL_NS;
		 * without this a spinning guest would stop the clock. */
		if (hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL) {
			hosted_time_advance_to(hosted_time_peek() + POLL_NS);
			hosted_wake_expired_halted(hosted_time_peek());
		}
		if (hosted_cpu_wants_back(started))
			break;
	}
	poll_timer_arm(false);
	__atomic_store_n(&v->tid, 0, __ATOMIC_SEQ_CST);
	hosted_time_tick();
	if (rc < 0 && errno == EINTR) {
		/* A kick that raced with the exit stays for the next run. */
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		e->reason = HV_EXIT_CANCELLED;
		e->hw_code = KVM_EXIT_INTR;
	} else if (rc < 0) {
		err = -errno;
		e->reason = HV_EXIT_INVALID_STATE;
		e->hw_code = (uint64_t)-err;
	} else {
		translate_exit(v, e);
	}
	{
		struct kvm_regs k;
		if (ioctl(v->fd, KVM_GET_REGS, &k) == 0)
			e->rip = k.rip;
	}
	v->last = e->reason;
	hr->intr_ready = run->ready_for_interrupt_injection && run->if_flag && !v->str.active;
	return err;
}

static void kvm_kick(void *vcpu_priv)
{
	struct kvm_vcpu *v = vcpu_priv;
	pid_t tid;

	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	tid = __atomic_load_n(&v->tid, __ATOMIC_SEQ_CST);
	if (tid)
		syscall(SYS_tgkill, getpid(), tid, KVM_KICK_SIGNAL);
}

/* KVM runs the guest TSC (where it starts differs between KVMs: this
 * machine's starts at the host's value): hv/ learns its rate and value
 * for the TSC-deadline timer. */
static int kvm_guest_tsc(void *vcpu_priv, uint64_t *khz, uint64_t *tsc)
{
	struct kvm_vcpu *v = vcpu_priv;
	int rate = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);

	if (rate <= 0 || kvm_tsc_read(v->fd, tsc))
		return -EIO;
	*khz = (uint64_t)rate;
	return 0;
}

const struct hv_backend hv_backend_kvm = {
    .name = "kvm",
    .cpuid_in_table = true,
    .vm_create = kvm_vm_create,
    .vm_destroy = kvm_vm_destroy,
    .map = kvm_map,
    .unmap = kvm_unmap,
    .dirty_log = kvm_dirty_log,
    .vcpu_create = kvm_vcpu_create,
    .vcpu_destroy = kvm_vcpu_destroy,
    .get_regs = kvm_get_regs,
    .set_regs = kvm_set_regs,
    .get_sregs = kvm_get_sregs,
    .set_sregs = kvm_set_sregs,
    .set_cpuid = kvm_set_cpuid,
    .run = kvm_run,
    .kick = kvm_kick,
    .guest_tsc = kvm_guest_tsc,
};
