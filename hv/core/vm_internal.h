/* The VM's internals, shared by the files of hv/core/. */
#ifndef HV_CORE_VM_INTERNAL_H
#define HV_CORE_VM_INTERNAL_H
#include <hv/bus.h>
#include <hv/cpuid.h>
#include <hv/dev/devsvc.h>
#include <hv/vm.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <kern/timer.h>

#define HV_VM_MAX_CLEANUPS 24
#define HV_MSR_LOG_ONCE    32

/* MSRs kept as plain values (hv/core/msr.c). */
struct hv_msr_state {
	int64_t tsc_offset;  /* guest TSC = hv_vm_host_tsc() + tsc_offset (tsc.c) */
	uint64_t tsc_adjust; /* IA32_TSC_ADJUST: moves with every change of the offset */
	uint64_t pat, misc_enable, mtrr_def_type;
	uint64_t mtrr_var[16]; /* base/mask pairs of 0x200..0x20f */
	uint64_t mtrr_fixed[11];
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
	uint64_t apic_base; /* without an interrupt controller */
};

struct hv_vcpu {
	struct hv_vm *vm;
	unsigned id;
	void *priv; /* the backend's */
	struct thread *thread;
	struct hv_run run;
	/* Under vm->lock: */
	bool parked;                   /* waits for resume (or exited): not in guest, not in a handler */
	bool exited;                   /* its thread left the run loop */
	bool wait_sipi;                /* an AP before its startup IPI */
	bool boot_set;                 /* hv_vm_set_boot_state gave it a state: it runs at start */
	volatile unsigned startup_req; /* HV_STARTUP_* from the interrupt controller */
	/* vCPU thread only: */
	bool halted;     /* executed HLT, waits for an interrupt */
	bool intr_ready; /* the last exit said an injection would be taken */
	volatile uint64_t wake_seq;
	uint64_t step_halted_seq; /* wake_seq at HLT, for hv_vm_step */
	struct hv_msr_state msr;
	struct hv_cpuid_entry cpuid[HV_CPUID_MAX_ENTRIES];
	unsigned ncpuid;
};

/* A clock record behind each hv_timer the VM's devices arm. */
struct hv_vm_timer {
	struct list_node node; /* vm->timers_armed, by deadline */
	struct list_node all;  /* vm->timers_all */
	struct hv_timer *t;
	ktime_t deadline;
	bool armed;
};

struct hv_vm_cleanup {
	void (*fn)(void *arg);
	void *arg;
};

struct hv_vm {
	char name[24];
	const struct hv_backend *be;
	void *priv;
	unsigned ncpus;
	struct hv_vcpu vcpu[HV_MAX_VCPUS];
	struct gmem gmem;
	struct hv_bus pio, mmio;
	struct mutex dev_lock;

	struct mutex ctl;    /* serialises the lifecycle calls */
	spinlock_t lock;     /* state, stop info, the vCPUs' parked/exited */
	struct waitqueue wq; /* vCPUs and controllers wait here for changes */
	volatile int state;  /* enum hv_vm_state */
	struct hv_vm_stop_info stop;
	unsigned threads_started;
	bool stepped; /* started by hv_vm_start_stepped: no vCPU threads */

	/* The clock (hv/core/clock.c). */
	struct hv_clock clock;
	spinlock_t timer_lock;
	struct list_node timers_armed, timers_all;
	struct ktimer ktimer;
	struct waitqueue timer_wq;
	volatile uint64_t timer_seq;
	volatile bool timer_quit;
	struct thread *timer_thread;

	struct hv_vm_intr_source intr;
	bool has_intr;
	unsigned cpuid_features;
	const struct hv_chr_backend *console;

	struct hv_vm_stats stats;
	uint32_t msr_logged[HV_MSR_LOG_ONCE];
	unsigned nmsr_logged;
	spinlock_t msr_log_lock;

	struct hv_vm_cleanup cleanup[HV_VM_MAX_CLEANUPS];
	unsigned ncleanup;
	void *board; /* hv/core/board_pc.c's devices */
	/* The guest TSC (tsc.c): tsc_khz, and the plat_time_ns() at which it
	 * read tsc_base (for the TSC-deadline timer and CPUID). tsc_host: it is the
	 * host TSC plus each vCPU's offset; tsc_by_backend: the backend runs
	 * it (KVM); neither: plat_time_ns() at 1 GHz. */
	uint64_t tsc_khz;
	ktime_t tsc_zero;
	uint64_t tsc_base; /* the guest TSC at tsc_zero (0 unless the backend runs it) */
	bool tsc_host, tsc_by_backend;
};

/* tsc.c: after the vCPUs exist. */
void hv_vm_tsc_init(struct hv_vm *vm);
/* The counter the guest TSC is offset from. */
uint64_t hv_vm_host_tsc(struct hv_vm *vm);
uint64_t hv_vcpu_tsc_read(struct hv_vcpu *v);
void hv_vcpu_tsc_write(struct hv_vcpu *v, uint64_t value);
void hv_vcpu_tsc_adjust_write(struct hv_vcpu *v, uint64_t value);
/* The vCPU's CPUID table from the policy and the VM's clocks. */
unsigned hv_vcpu_cpuid_build(struct hv_vcpu *v);

/* clock.c */
int hv_vm_clock_init(struct hv_vm *vm);
void hv_vm_clock_destroy(struct hv_vm *vm);

/* exit.c: handles v->run.exit and sets up v->run for the next entry. */
void hv_exit_dispatch(struct hv_vcpu *v);
/* exit_mmio.c: an NPF in an MMIO hole. */
void hv_exit_npf(struct hv_vcpu *v);
/* Guest linear memory through the vCPU's paging (for hypercalls). 0,
 * -EFAULT (not memory) or X86_PF_VECTOR. */
int hv_guest_read_linear(struct hv_vcpu *v, const struct hv_sregs *s, uint64_t linear, void *buf, uint64_t len);

/* msr.c: 0, or -EPERM for #GP. */
void hv_msr_reset(struct hv_vcpu *v);
int hv_msr_read(struct hv_vcpu *v, uint32_t index, uint64_t *value);
int hv_msr_write(struct hv_vcpu *v, uint32_t index, uint64_t value);

/* hypercall.c: handles HV_EXIT_HYPERCALL. */
void hv_hypercall(struct hv_vcpu *v);

/* vm.c */
void hv_vm_stop_from_vcpu(struct hv_vcpu *v, enum hv_stop_reason reason, int64_t code, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
/* INIT (init) or a startup IPI for `cpu`: applied by the vCPU's own
 * thread at its next loop turn. */
void hv_vm_vcpu_startup(struct hv_vm *vm, unsigned cpu, bool init, uint8_t vector);
/* Rebuilds every vCPU's CPUID table with these optional features. */
int hv_vm_set_cpuid_features(struct hv_vm *vm, unsigned features);
/* Runs fn(arg) at destroy, before memory goes (devices, in reverse). */
int hv_vm_add_cleanup(struct hv_vm *vm, void (*fn)(void *), void *arg);
void hv_vcpu_inject_exception(struct hv_vcpu *v, unsigned vector, bool has_error, uint32_t error);
/* One turn of the run loop: inject, enter, handle the exit. */
void hv_vcpu_turn(struct hv_vcpu *v);
/* Applies pending INIT/SIPI requests (on the vCPU's own thread). */
void hv_vcpu_apply_startup(struct hv_vcpu *v);
/* Whether something ends the HLT the vCPU executed at wake_seq `halted_seq`. */
bool hv_vcpu_halt_wakes(struct hv_vcpu *v, uint64_t halted_seq, uint64_t seq);
#endif
