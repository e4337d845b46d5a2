/* The hypervisor's control device /dev/hv (hv/ctl/; the ioctl ABI is
 * include/kern/abi/hv.h). */
#ifndef HV_CTL_H
#define HV_CTL_H

/* Registers /dev/hv; idempotent. The boot flow calls it after vfs_init. */
void hv_ctl_init(void);
#endif
