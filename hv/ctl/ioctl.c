/* The /dev/hv ioctls (include/kern/abi/hv.h; docs/hypervisor.md, "Control
 * interface"). Every argument is copied in once, checked, and only then
 * acted on; errors are Linux errnos. */
#include <hv/loader.h>
#include <hv/acpi.h>
#include <hv/mptable.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/string.h>
#include <kern/vm.h>
#include <plat/virt.h>

#include "ctl_internal.h"

#define LOW_RAM_MAX GiB(3) /* RAM below the PCI hole; the rest goes above 4 GiB */
#define HIGH_RAM    GiB(4)

static int copy_in(void *dst, uintptr_t src, size_t len)
{
	struct process *p = proc_current();
	return p && !copy_from_user(p->vm, dst, src, len) ? 0 : -EFAULT;
}

static int copy_out(uintptr_t dst, const void *src, size_t len)
{
	struct process *p = proc_current();
	return p && !copy_to_user(p->vm, dst, src, len) ? 0 : -EFAULT;
}

static void copy_name(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

static long do_info(uintptr_t arg)
{
	struct hv_ioc_info info;
	const char *why = NULL;
	const struct hv_backend *hw = plat_virt_backend(&why);

	memset(&info, 0, sizeof(info));
	info.abi_version = HV_ABI_VERSION;
	info.caps = plat_virt_caps();
	info.hw_available = hw != NULL;
	info.max_cpus = HV_MAX_VCPUS;
	if (hw)
		copy_name(info.hw_backend, sizeof(info.hw_backend), hw->name);
	else
		copy_name(info.why, sizeof(info.why), why ? why : "no hardware virtualization backend");
	return copy_out(arg, &info, sizeof(info));
}

/* RAM laid out as on a PC: low memory up to the PCI hole, the rest above
 * 4 GiB. */
static int add_pc_ram(struct hv_vm *vm, uint64_t size)
{
	uint64_t low = MIN(size, LOW_RAM_MAX);
	int err = 0;

	if (low)
		err = hv_vm_add_memory(vm, 0, low, GMEM_RAM, "ram-low");
	if (!err && size > low)
		err = hv_vm_add_memory(vm, HIGH_RAM, size - low, GMEM_RAM, "ram-high");
	return err;
}

static long do_create(struct hv_ctl *c, uintptr_t arg)
{
	struct hv_ioc_create a;
	struct hv_vm_config cfg;
	const char *why = NULL;
	struct hv_vm *vm;
	int err;

	if (copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (c->vm)
		return -EEXIST;
	if (a.flags & ~HV_CREATE_SIMULATED)
		return -EINVAL;
	if (a.ncpus == 0 || a.ncpus > HV_MAX_VCPUS)
		return -EINVAL;
	if (a.max_mem == 0)
		a.max_mem = a.mem_size;
	if (a.max_mem == 0 || a.max_mem < a.mem_size || (a.mem_size | a.max_mem) & (GMEM_PAGE - 1))
		return -EINVAL;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "vm";
	cfg.ncpus = a.ncpus;
	cfg.ram_limit = a.max_mem;
	cfg.backend = (a.flags & HV_CREATE_SIMULATED) ? &hv_backend_sim : plat_virt_backend(&why);
	if (!cfg.backend)
		return -ENODEV; /* HV_IOC_INFO says why */
	err = 0;
	vm = hv_vm_create(&cfg, &err);
	if (!vm)
		return err ? err : -ENOMEM;
	err = add_pc_ram(vm, a.mem_size);
	if (!err)
		err = hv_vm_add_pc_devices(vm, &c->console_be);
	hv_testdev_init(&c->testdev);
	if (!err)
		err = hv_testdev_attach(&c->testdev, hv_vm_pio_bus(vm), hv_vm_mmio_bus(vm));
	if (err) {
		hv_vm_destroy(vm);
		return err;
	}
	c->vm = vm;
	c->ncpus = a.ncpus;
	c->backend = cfg.backend->name;
	return 0;
}

static long do_add_memory(struct hv_ctl *c, uintptr_t arg)
{
	struct hv_ioc_memory a;

	if (copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || (a.kind != HV_MEM_RAM && a.kind != HV_MEM_ROM))
		return -EINVAL;
	if (a.size == 0 || (a.gpa | a.size) & (GMEM_PAGE - 1) || a.gpa + a.size < a.gpa)
		return -EINVAL;
	return hv_vm_add_memory(c->vm, a.gpa, a.size, a.kind == HV_MEM_RAM ? GMEM_RAM : GMEM_ROM,
	                        a.kind == HV_MEM_RAM ? "ram" : "rom");
}

static long do_add_disk(struct hv_ctl *c, uintptr_t arg)
{
	struct hv_ioc_disk a;
	struct hv_file_disk *d;
	struct file *f;
	bool ro;
	int err;

	if (copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~HV_DISK_READ_ONLY)
		return -EINVAL;
	if (hv_vm_state(c->vm) != HV_VM_CREATED)
		return -EBUSY;
	if (c->ndisks == HV_CTL_MAX_DISKS)
		return -ENOSPC;
	ro = a.flags & HV_DISK_READ_ONLY;
	err = hv_file_from_fd(a.fd, ro ? MAY_READ : MAY_READ | MAY_WRITE, &f);
	if (err)
		return err;
	d = kzalloc(sizeof(*d));
	if (!d) {
		file_put(f);
		return -ENOMEM;
	}
	err = hv_file_disk_init(d, f, ro);
	if (err) {
		file_put(f);
		kfree(d);
		return err;
	}
	err = hv_vm_add_virtio_blk(c->vm, &d->be);
	if (err) {
		hv_file_disk_release(d);
		kfree(d);
		return err;
	}
	c->disks[c->ndisks++] = d;
	return 0;
}

static long do_add_net(struct hv_ctl *c, uintptr_t arg)
{
	struct hv_ioc_net a;

	if (copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	return -ENOSYS; /* no host frame back end reachable from user space yet */
}

static long do_load(struct hv_ctl *c, enum hv_ctl_load_kind kind, uintptr_t arg)
{
	struct hv_ioc_load a;
	struct file *kernel = NULL, *initrd = NULL;
	struct process *p = proc_current();
	char *cmdline;
	long err;

	if (copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (hv_vm_state(c->vm) != HV_VM_CREATED)
		return -EBUSY;
	if (c->loaded)
		return -EEXIST;
	cmdline = kzalloc(HV_CMDLINE_MAX);
	if (!cmdline)
		return -ENOMEM;
	if (a.cmdline) {
		long n = p ? strncpy_from_user(p->vm, cmdline, (uintptr_t)a.cmdline, HV_CMDLINE_MAX) : -EFAULT;
		if (n < 0) {
			kfree(cmdline);
			return n == -ENAMETOOLONG ? -E2BIG : n;
		}
	}
	err = hv_file_from_fd(a.kernel_fd, MAY_READ, &kernel);
	if (!err && a.initrd_fd != -1)
		err = hv_file_from_fd(a.initrd_fd, MAY_READ, &initrd);
	if (!err)
		err = hv_ctl_load(c, kind, kernel, initrd, cmdline);
	if (!err)
		c->loaded = true;
	if (initrd)
		file_put(initrd);
	if (kernel)
		file_put(kernel);
	kfree(cmdline);
	return err;
}

/* The MP table is how a guest without ACPI finds its CPUs, the IOAPIC and
 * the PCI interrupt routing; written at start, when every disk is on the
 * bus. Only for a loaded kernel: the loaders keep its place free. */
static int write_mptable(struct hv_ctl *c)
{
	struct hv_mptable_pci_irq *irqs = kzalloc(HV_MPTABLE_MAX_PCI * sizeof(*irqs));
	struct hv_pci_host *pci = hv_vm_pci_host(c->vm);
	struct hv_mptable_config mp = {c->ncpus, 0xfec00000, 24, irqs, 0};
	int err;

	if (!irqs)
		return -ENOMEM;
	if (pci)
		mp.npci = hv_mptable_pci_irqs(pci, irqs, HV_MPTABLE_MAX_PCI);
	err = hv_mptable_write(hv_vm_gmem(c->vm), HV_BOOT_MPTABLE_GPA, &mp);
	kfree(irqs);
	return err;
}

/* ACPI tables for a Linux guest: its CPUs (the Debian cloud kernel has no
 * MP table parser) and the S5 power-off through the PC board's PM1 block. */
static int write_acpi(struct hv_ctl *c)
{
	struct hv_acpi_config acpi = {c->ncpus, 0xfec00000};

	return hv_acpi_write(hv_vm_gmem(c->vm), HV_ACPI_TABLES_GPA, &acpi);
}

static long do_start(struct hv_ctl *c)
{
	int err;

	if (hv_vm_state(c->vm) != HV_VM_CREATED)
		return -EINVAL;
	err = c->loaded ? write_mptable(c) : 0;
	if (!err && c->loaded && c->is_linux)
		err = write_acpi(c);
	if (!err)
		err = hv_vm_start(c->vm);
	if (!err)
		err = hv_ctl_watch(c);
	return err;
}

static long do_stop(struct hv_ctl *c)
{
	int err = hv_vm_stop(c->vm);

	if (!err) {
		c->stopped = true;
		hv_ctl_wake(c);
	}
	return err;
}

static uint32_t abi_state(enum hv_vm_state s)
{
	switch (s) {
	case HV_VM_CREATED: return HV_STATE_CREATED;
	case HV_VM_RUNNING: return HV_STATE_RUNNING;
	case HV_VM_PAUSED: return HV_STATE_PAUSED;
	case HV_VM_STOPPED: return HV_STATE_STOPPED;
	}
	return HV_STATE_NONE;
}

static uint32_t abi_reason(enum hv_stop_reason r)
{
	switch (r) {
	case HV_STOP_NONE: return HV_REASON_NONE;
	case HV_STOP_REQUESTED: return HV_REASON_REQUESTED;
	case HV_STOP_POWEROFF: return HV_REASON_POWEROFF;
	case HV_STOP_RESET: return HV_REASON_RESET;
	case HV_STOP_TRIPLE_FAULT: return HV_REASON_TRIPLE_FAULT;
	case HV_STOP_ERROR: return HV_REASON_ERROR;
	}
	return HV_REASON_ERROR;
}

static long do_get_state(struct hv_ctl *c, uintptr_t arg)
{
	struct hv_ioc_state *st = kzalloc(sizeof(*st));
	long err;

	if (!st)
		return -ENOMEM;
	if (c->vm) {
		struct hv_vm_stop_info info;
		struct hv_vm_stats stats;
		unsigned n = MIN((unsigned)HV_EXIT_REASON_COUNT, (unsigned)HV_EXIT_SLOTS);

		memset(&info, 0, sizeof(info));
		memset(&stats, 0, sizeof(stats));
		st->state = abi_state(hv_vm_state(c->vm));
		hv_vm_get_stop_info(c->vm, &info);
		hv_vm_get_stats(c->vm, &stats);
		if (st->state == HV_STATE_STOPPED) {
			st->stop_reason = abi_reason(info.reason);
			st->stop_code = info.code;
			st->stop_cpu = info.vcpu;
			st->stop_rip = info.rip;
			copy_name(st->message, sizeof(st->message), info.message);
		}
		st->nexits = n;
		for (unsigned i = 0; i < n; i++)
			st->exits[i] = stats.exits[i];
		st->injected_irqs = stats.injected_irqs;
		st->console_dropped = console_ring_dropped(&c->console);
		copy_name(st->backend, sizeof(st->backend), c->backend);
	}
	err = copy_out(arg, st, sizeof(*st));
	kfree(st);
	return err;
}

/* The ioctls that act on a created VM. */
static long vm_ioctl(struct hv_ctl *c, unsigned cmd, uintptr_t arg)
{
	switch (cmd) {
	case HV_IOC_ADD_MEMORY: return do_add_memory(c, arg);
	case HV_IOC_ADD_DISK: return do_add_disk(c, arg);
	case HV_IOC_ADD_NET: return do_add_net(c, arg);
	case HV_IOC_LOAD_LINUX: return do_load(c, HV_CTL_LOAD_LINUX, arg);
	case HV_IOC_LOAD_MULTIBOOT: return do_load(c, HV_CTL_LOAD_MULTIBOOT, arg);
	case HV_IOC_START: return do_start(c);
	case HV_IOC_PAUSE: return hv_vm_pause(c->vm);
	case HV_IOC_RESUME: return hv_vm_resume(c->vm);
	case HV_IOC_STOP: return do_stop(c);
	}
	return -ENOTTY;
}

static bool is_vm_ioctl(unsigned cmd)
{
	switch (cmd) {
	case HV_IOC_ADD_MEMORY:
	case HV_IOC_ADD_DISK:
	case HV_IOC_ADD_NET:
	case HV_IOC_LOAD_LINUX:
	case HV_IOC_LOAD_MULTIBOOT:
	case HV_IOC_START:
	case HV_IOC_PAUSE:
	case HV_IOC_RESUME:
	case HV_IOC_STOP: return true;
	}
	return false;
}

long hv_ctl_ioctl(struct hv_ctl *c, unsigned cmd, uintptr_t arg)
{
	long r;

	switch (cmd) {
	case HV_IOC_VERSION: return HV_ABI_VERSION;
	case HV_IOC_INFO: return do_info(arg);
	}
	if (cmd != HV_IOC_CREATE && cmd != HV_IOC_GET_STATE && !is_vm_ioctl(cmd))
		return -ENOTTY;
	mutex_lock(&c->lock);
	if (cmd == HV_IOC_CREATE)
		r = do_create(c, arg);
	else if (cmd == HV_IOC_GET_STATE)
		r = do_get_state(c, arg);
	else if (!c->vm)
		r = -EINVAL; /* nothing to act on before HV_IOC_CREATE */
	else
		r = vm_ioctl(c, cmd, arg);
	mutex_unlock(&c->lock);
	return r;
}
