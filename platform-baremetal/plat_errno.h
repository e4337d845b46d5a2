/* The errno values the platform interface returns (Linux numbering, as the
 * rest of the kernel uses). Kept here until the core has an errno header. */
#ifndef BAREMETAL_PLAT_ERRNO_H
#define BAREMETAL_PLAT_ERRNO_H
#define PLAT_EBUSY 16
#define PLAT_EINVAL 22
#define PLAT_ETIMEDOUT 110
#endif
