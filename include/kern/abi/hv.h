/* The hypervisor's control interface: ioctls on /dev/hv (docs/hypervisor.md,
 * "Control interface"). Shared by the kernel and user programs (vmctl), so
 * it holds only fixed-width types; user pointers travel as uint64_t.
 *
 * Each open of /dev/hv is one VM: HV_IOC_CREATE makes it, close destroys
 * it. read()/write()/poll() on the descriptor carry the guest's COM1 bytes. */
#ifndef KERN_ABI_HV_H
#define KERN_ABI_HV_H
#if __STDC_HOSTED__
#include <stdint.h>
#else
#include <kern/types.h>
#endif

/* The device node: Linux's misc major with a minor of our own. */
#define HV_DEV_MAJOR 10
#define HV_DEV_MINOR 232
#define HV_DEV_PATH  "/dev/hv"

#define HV_ABI_VERSION 1

/* Linux's ioctl number encoding (asm-generic/ioctl.h): nr in bits 0-7, type
 * in 8-15, argument size in 16-29, direction (1 write, 2 read) in 30-31. */
#define HV_IOC_TYPE             0xb7
#define HV_IOC_ENC(dir, nr, sz) (((uint32_t)(dir) << 30) | ((uint32_t)(sz) << 16) | (HV_IOC_TYPE << 8) | (nr))
#define HV_IO(nr)               HV_IOC_ENC(0, nr, 0)
#define HV_IOW(nr, type)        HV_IOC_ENC(1, nr, sizeof(type))
#define HV_IOR(nr, type)        HV_IOC_ENC(2, nr, sizeof(type))

#define HV_NAME_MAX    32
#define HV_WHY_MAX     160
#define HV_MESSAGE_MAX 96
#define HV_CMDLINE_MAX 4096 /* bytes including the NUL */
#define HV_MAX_CPUS    8
#define HV_EXIT_SLOTS  32 /* exit counters reported by HV_IOC_GET_STATE */

/* HV_IOC_INFO: what this machine offers; legal before HV_IOC_CREATE. */
struct hv_ioc_info {
	uint32_t abi_version;
	uint32_t caps;         /* PLAT_VIRT_* bits (include/plat/virt.h) */
	uint32_t hw_available; /* 1: a hardware backend can run VMs */
	uint32_t max_cpus;
	char hw_backend[HV_NAME_MAX]; /* its name ("kvm", "svm", ...), or "" */
	char why[HV_WHY_MAX];         /* why there is none, or "" */
};

/* HV_IOC_CREATE */
#define HV_CREATE_SIMULATED 1u /* the simulated backend instead of the hardware one */
struct hv_ioc_create {
	uint32_t ncpus; /* 1..HV_MAX_CPUS */
	uint32_t flags; /* HV_CREATE_* */
	/* Bytes of RAM to add at once, as a PC lays it out: below 3 GiB from
	 * gpa 0, the rest from 4 GiB. 0: add RAM with HV_IOC_ADD_MEMORY. */
	uint64_t mem_size;
	/* Limit on all guest RAM (0: mem_size). */
	uint64_t max_mem;
};

/* HV_IOC_ADD_MEMORY */
#define HV_MEM_RAM 0
#define HV_MEM_ROM 1
struct hv_ioc_memory {
	uint64_t gpa, size; /* page aligned */
	uint32_t kind;      /* HV_MEM_* */
	uint32_t reserved;  /* 0 */
};

/* HV_IOC_ADD_DISK: a virtio-blk disk backed by an open file of the caller. */
#define HV_DISK_READ_ONLY 1u
struct hv_ioc_disk {
	int32_t fd;     /* a regular file, open for reading (and writing unless read-only) */
	uint32_t flags; /* HV_DISK_* */
};

/* HV_IOC_ADD_NET: reserved (ENOSYS). */
struct hv_ioc_net {
	int32_t fd;
	uint32_t flags;
	uint8_t mac[6];
	uint8_t reserved[2];
};

/* HV_IOC_LOAD_LINUX and HV_IOC_LOAD_MULTIBOOT. Files are read through the
 * caller's descriptors; for multiboot the initrd is the first module. */
struct hv_ioc_load {
	int32_t kernel_fd;
	int32_t initrd_fd; /* -1: none */
	uint64_t cmdline;  /* user pointer to a NUL-terminated string, or 0 */
};

/* HV_IOC_GET_STATE */
#define HV_STATE_NONE    0 /* not created yet */
#define HV_STATE_CREATED 1
#define HV_STATE_RUNNING 2
#define HV_STATE_PAUSED  3
#define HV_STATE_STOPPED 4

#define HV_REASON_NONE         0
#define HV_REASON_REQUESTED    1
#define HV_REASON_POWEROFF     2 /* code: the guest's exit status */
#define HV_REASON_RESET        3
#define HV_REASON_TRIPLE_FAULT 4
#define HV_REASON_ERROR        5 /* code: -errno or exit reason */

struct hv_ioc_state {
	uint32_t state;       /* HV_STATE_* */
	uint32_t stop_reason; /* HV_REASON_* */
	int64_t stop_code;
	uint32_t stop_cpu;
	uint32_t nexits; /* valid entries of exits[] */
	uint64_t stop_rip;
	char message[HV_MESSAGE_MAX];
	uint64_t exits[HV_EXIT_SLOTS]; /* per exit reason (include/hv/exit.h order) */
	uint64_t injected_irqs;
	uint64_t console_dropped; /* guest output lost because nobody read it */
	char backend[HV_NAME_MAX];
};

#define HV_IOC_VERSION        HV_IO(0x00) /* returns HV_ABI_VERSION */
#define HV_IOC_INFO           HV_IOR(0x01, struct hv_ioc_info)
#define HV_IOC_CREATE         HV_IOW(0x02, struct hv_ioc_create)
#define HV_IOC_ADD_MEMORY     HV_IOW(0x03, struct hv_ioc_memory)
#define HV_IOC_ADD_DISK       HV_IOW(0x04, struct hv_ioc_disk)
#define HV_IOC_ADD_NET        HV_IOW(0x05, struct hv_ioc_net)
#define HV_IOC_LOAD_LINUX     HV_IOW(0x06, struct hv_ioc_load)
#define HV_IOC_LOAD_MULTIBOOT HV_IOW(0x07, struct hv_ioc_load)
#define HV_IOC_START          HV_IO(0x08)
#define HV_IOC_PAUSE          HV_IO(0x09)
#define HV_IOC_RESUME         HV_IO(0x0a)
#define HV_IOC_STOP           HV_IO(0x0b)
#define HV_IOC_GET_STATE      HV_IOR(0x0c, struct hv_ioc_state)
#endif
