/* HV_IOC_LOAD_LINUX / HV_IOC_LOAD_MULTIBOOT: checks the files the caller
 * handed over and passes them to the boot loaders of hv/loader. */
#include <kern/errno.h>
#include <kern/log.h>

#include "ctl_internal.h"

int hv_ctl_load(struct hv_ctl *c, enum hv_ctl_load_kind kind, struct file *kernel, struct file *initrd,
                const char *cmdline)
{
	uint64_t ksize, isize = 0;
	int err = hv_file_size(kernel, &ksize);

	if (!err && initrd)
		err = hv_file_size(initrd, &isize);
	if (err)
		return err;
	if (ksize == 0)
		return -ENOEXEC;
	/* hv/loader (include/hv/loader.h) is not in the tree yet. */
	return -ENOSYS;
}
