/* One open /dev/hv descriptor: the VM it controls, the guest console ring
 * and the files the VM borrowed from the caller. */
#ifndef HV_CTL_INTERNAL_H
#define HV_CTL_INTERNAL_H
#include <hv/dev/testdev.h>
#include <hv/vm.h>
#include <kern/abi/hv.h>
#include <kern/sched.h>
#include <kern/sync.h>

#include "console_ring.h"
#include "file_io.h"

#define HV_CTL_MAX_DISKS 8
/* A multiboot kernel or module is read into one kernel buffer. */
#define HV_CTL_MULTIBOOT_MAX (4u << 20)

struct hv_ctl {
	struct mutex lock;   /* ioctls: one configuration or transition at a time */
	struct hv_vm *vm;    /* NULL until HV_IOC_CREATE; then fixed until release */
	const char *backend; /* its name */
	struct console_ring console;
	struct hv_chr_backend console_be;
	struct waitqueue wq;    /* readers waiting for output or the VM's end */
	struct thread *watcher; /* waits for STOPPED, from HV_IOC_START on */
	volatile bool stopped;  /* the watcher saw the VM stop */
	volatile bool closing;
	bool loaded; /* a kernel was loaded (one per VM) */
	bool is_linux; /* ... and it is a Linux kernel: it gets ACPI tables */
	unsigned ncpus;
	/* The test guests' device (tests/guests/), in every VM like the debug
	 * exit port: ports 0xe0-0xef and one MMIO page no PC device uses. */
	struct hv_testdev testdev;
	unsigned ndisks;
	struct hv_file_disk *disks[HV_CTL_MAX_DISKS];
};

long hv_ctl_ioctl(struct hv_ctl *c, unsigned cmd, uintptr_t arg);
/* Starts the watcher (HV_IOC_START), and wakes readers and pollers. */
int hv_ctl_watch(struct hv_ctl *c);
void hv_ctl_wake(struct hv_ctl *c);

/* Boot loaders (load.c): the kernel (and initrd) files go into guest
 * memory and the boot vCPU's state is set. */
enum hv_ctl_load_kind { HV_CTL_LOAD_LINUX, HV_CTL_LOAD_MULTIBOOT };
int hv_ctl_load(struct hv_ctl *c, enum hv_ctl_load_kind kind, struct file *kernel, struct file *initrd,
                const char *cmdline);
#endif
