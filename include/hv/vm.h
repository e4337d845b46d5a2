/* Virtual machines and vCPUs: lifecycle, state machine and run loop.
 *
 * VM states and the calls that move between them:
 *
 *   CREATED --start--> RUNNING --pause--> PAUSED --resume--> RUNNING
 *      |                  |                  |
 *      +------stop--------+-------stop-------+--> STOPPED --destroy--> (gone)
 *
 * The guest can stop itself (power off through the exit port or ACPI,
 * reset through the i8042 or port 0xcf9, a triple fault, a fatal backend
 * error): the VM goes to STOPPED with hv_vm_stop_info saying why. Devices,
 * memory and boot state are configured only in CREATED. destroy is legal
 * in every state: from RUNNING or PAUSED it stops first. Every transition
 * is synchronous: when pause or stop returns, no vCPU runs guest code or is
 * inside a handler.
 *
 * Each vCPU is a kernel thread looping run -> exit -> handle. Device models
 * run under one per-VM mutex (the device mutex), both from vCPU threads and
 * from the VM's timer thread. */
#ifndef HV_VM_H
#define HV_VM_H
#include <hv/backend.h>
#include <hv/bus.h>
#include <hv/dev/backends.h>
#include <hv/dev/devsvc.h>
#include <hv/gmem.h>

#define HV_MAX_VCPUS 8

struct hv_vm;
struct hv_vcpu;

enum hv_vm_state { HV_VM_CREATED, HV_VM_RUNNING, HV_VM_PAUSED, HV_VM_STOPPED };

enum hv_stop_reason {
	HV_STOP_NONE,
	HV_STOP_REQUESTED, /* hv_vm_stop */
	HV_STOP_POWEROFF,  /* guest powered off; code = its exit status */
	HV_STOP_RESET,     /* guest asked for a reset */
	HV_STOP_TRIPLE_FAULT,
	HV_STOP_ERROR, /* invalid state, backend failure, unhandled exit; code = -errno or exit reason */
};

struct hv_vm_stop_info {
	enum hv_stop_reason reason;
	int64_t code;
	unsigned vcpu; /* the vCPU that stopped it */
	uint64_t rip;
	char message[96]; /* for people: what happened */
};

struct hv_vm_config {
	const char *name;
	unsigned ncpus;     /* 1..HV_MAX_VCPUS */
	uint64_t ram_limit; /* bytes of guest RAM this VM may add */
	const struct hv_backend *backend;
};

struct hv_vm *hv_vm_create(const struct hv_vm_config *cfg, int *err);
/* Legal in every state; frees everything. */
void hv_vm_destroy(struct hv_vm *vm);

/* Configuration (CREATED only; -EBUSY otherwise). */
int hv_vm_add_memory(struct hv_vm *vm, uint64_t gpa, uint64_t size, enum gmem_kind kind, const char *name);
struct gmem *hv_vm_gmem(struct hv_vm *vm);
int hv_vm_set_boot_state(struct hv_vm *vm, unsigned vcpu, const struct hv_regs *r, const struct hv_sregs *s);
/* The standard PC devices (PIC, IOAPIC, LAPICs, PIT, RTC/CMOS, i8042,
 * COM1 on `console`, the debug exit port 0xf4, the PCI host bridge). */
int hv_vm_add_pc_devices(struct hv_vm *vm, const struct hv_chr_backend *console);
/* Feeds bytes typed on the host into the guest's COM1 (any state). */
void hv_vm_console_input(struct hv_vm *vm, const void *buf, size_t len);
int hv_vm_add_virtio_blk(struct hv_vm *vm, const struct hv_blk_backend *be);
int hv_vm_add_virtio_net(struct hv_vm *vm, const struct hv_frame_backend *be);
int hv_vm_add_virtio_console(struct hv_vm *vm, const struct hv_chr_backend *be);
/* The PC board's PCI host (for the MP table's interrupt routing); NULL
 * before hv_vm_add_pc_devices. */
struct hv_pci_host;
struct hv_pci_host *hv_vm_pci_host(struct hv_vm *vm);

/* Lifecycle. start: CREATED -> RUNNING; pause: RUNNING -> PAUSED; resume:
 * PAUSED -> RUNNING; stop: RUNNING|PAUSED -> STOPPED (STOPPED: no-op).
 * -EINVAL from any other state. */
int hv_vm_start(struct hv_vm *vm);
int hv_vm_pause(struct hv_vm *vm);
int hv_vm_resume(struct hv_vm *vm);
int hv_vm_stop(struct hv_vm *vm);
enum hv_vm_state hv_vm_state(struct hv_vm *vm);
/* Waits until the VM is STOPPED or `timeout_ns` passes (0: forever).
 * Returns 0 when stopped, -ETIMEDOUT, or -EINTR if the caller got a
 * signal. */
int hv_vm_wait(struct hv_vm *vm, ktime_t timeout_ns);
void hv_vm_get_stop_info(struct hv_vm *vm, struct hv_vm_stop_info *info);
const char *hv_vm_state_name(enum hv_vm_state s);

/* Per-VM counters for tests and `vmctl state`. */
struct hv_vm_stats {
	uint64_t exits[HV_EXIT_REASON_COUNT];
	uint64_t injected_irqs;
	uint64_t injected_nmis; /* NMIs handed to the backend (hv_run.inject_nmi) */
};
void hv_vm_get_stats(struct hv_vm *vm, struct hv_vm_stats *st);
int hv_vm_get_vcpu_regs(struct hv_vm *vm, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s);
/* Single board pieces (hv_vm_add_pc_devices adds them too), CREATED only.
 * debug exit: a write of v to `port` powers the VM off with code v (like
 * QEMU's isa-debug-exit, without its (v << 1) | 1). console: where the
 * console-write hypercall goes. */
int hv_vm_add_debug_exit(struct hv_vm *vm, uint16_t port);
int hv_vm_set_console(struct hv_vm *vm, const struct hv_chr_backend *console);

/* Glue for board code, device models and tests. */
struct hv_bus *hv_vm_pio_bus(struct hv_vm *vm);
struct hv_bus *hv_vm_mmio_bus(struct hv_vm *vm);
/* The VM's clock: hv_timers fire on the VM's timer thread with the device
 * mutex held. */
const struct hv_clock *hv_vm_clock(struct hv_vm *vm);
/* The device mutex, for host-side calls into device models (console input,
 * back-end completions). Never held across hv_vm_pause/stop/destroy. */
void hv_vm_lock_devices(struct hv_vm *vm);
void hv_vm_unlock_devices(struct hv_vm *vm);

/* Where vCPUs take external interrupts from (the interrupt controller).
 * Called with the device mutex held. pending: the vector to inject next,
 * HV_INTC_NMI (256) for an NMI (injected through hv_run.inject_nmi), or -1;
 * other values above 255 are acked and dropped. ack:
 * the vCPU took it. msr_read/msr_write: the controller's MSRs (APIC_BASE,
 * TSC_DEADLINE, x2APIC); -ENOENT: not its MSR, other errors: #GP. */
struct hv_vm_intr_source {
	int (*pending)(void *ctx, unsigned cpu);
	void (*ack)(void *ctx, unsigned cpu, int vector);
	int (*msr_read)(void *ctx, unsigned cpu, uint32_t index, uint64_t *value);
	int (*msr_write)(void *ctx, unsigned cpu, uint32_t index, uint64_t value);
	void *ctx;
};
/* CREATED only. */
int hv_vm_set_intr_source(struct hv_vm *vm, const struct hv_vm_intr_source *src);
/* Something became pending for `cpu`: wakes it from HLT or ends its run so
 * the interrupt is injected. Any context, any state. */
void hv_vm_kick_vcpu(struct hv_vm *vm, unsigned cpu);
/* The guest stops itself (power-off/reset lines of device models): moves a
 * RUNNING or PAUSED VM to STOPPED without waiting (it may run on a vCPU
 * thread). No-op once stopped. */
void hv_vm_guest_stop(struct hv_vm *vm, enum hv_stop_reason reason, int64_t code, const char *message);
#endif
