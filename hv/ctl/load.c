/* HV_IOC_LOAD_LINUX / HV_IOC_LOAD_MULTIBOOT: the files the caller handed
 * over go through hv/loader into guest memory, and the boot vCPU gets the
 * loader's entry state. A bzImage and its initrd are streamed from the file
 * straight into guest RAM (they can be far bigger than one kernel buffer);
 * a multiboot kernel and its module are read whole into a kernel buffer
 * first, since ELF needs random access (at most HV_CTL_MULTIBOOT_MAX). */
#include <hv/loader.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "ctl_internal.h"

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return hv_file_read_exact(ctx, off, buf, len);
}

static int load_linux(struct hv_ctl *c, struct file *kernel, uint64_t ksize, struct file *initrd, uint64_t isize,
                      const char *cmdline, struct hv_boot_state *st, char *err)
{
	const struct hv_loader_reader kr = {file_read, kernel}, ir = {file_read, initrd};
	const struct hv_linux_params p = {NULL, (size_t)ksize, NULL, initrd ? (size_t)isize : 0, cmdline};

	if (initrd && isize == 0)
		return -ENOEXEC; /* an empty initrd is no initrd */
	return hv_load_linux_read(hv_vm_gmem(c->vm), &p, &kr, initrd ? &ir : NULL, st, err);
}

static int read_whole(struct file *f, uint64_t size, void **out)
{
	void *buf;
	int err;

	if (size > HV_CTL_MULTIBOOT_MAX)
		return -E2BIG;
	buf = kmalloc(size ? (size_t)size : 1);
	if (!buf)
		return -ENOMEM;
	err = hv_file_read_exact(f, 0, buf, (size_t)size);
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	return 0;
}

static int load_multiboot(struct hv_ctl *c, struct file *kernel, uint64_t ksize, struct file *initrd, uint64_t isize,
                          const char *cmdline, struct hv_boot_state *st, char *err)
{
	void *kbuf = NULL, *ibuf = NULL;
	struct hv_multiboot_module mod;
	int rc = read_whole(kernel, ksize, &kbuf);

	if (!rc && initrd)
		rc = read_whole(initrd, isize, &ibuf);
	if (!rc) {
		mod = (struct hv_multiboot_module){ibuf, (size_t)isize, NULL};
		const struct hv_multiboot_params p = {kbuf, (size_t)ksize, cmdline, &mod, initrd ? 1 : 0};
		rc = hv_load_multiboot(hv_vm_gmem(c->vm), &p, st, err);
	}
	kfree(ibuf);
	kfree(kbuf);
	return rc;
}

int hv_ctl_load(struct hv_ctl *c, enum hv_ctl_load_kind kind, struct file *kernel, struct file *initrd,
                const char *cmdline)
{
	uint64_t ksize, isize = 0;
	struct hv_boot_state *st;
	char err[HV_LOADER_ERR_MAX] = "";
	int rc = hv_file_size(kernel, &ksize);

	if (!rc && initrd)
		rc = hv_file_size(initrd, &isize);
	if (rc)
		return rc;
	if (ksize == 0)
		return -ENOEXEC;
	st = kzalloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (kind == HV_CTL_LOAD_LINUX)
		rc = load_linux(c, kernel, ksize, initrd, isize, cmdline, st, err);
	else
		rc = load_multiboot(c, kernel, ksize, initrd, isize, cmdline, st, err);
	if (!rc)
		rc = hv_vm_set_boot_state(c->vm, 0, &st->regs, &st->sregs);
	if (!rc)
		c->is_linux = kind == HV_CTL_LOAD_LINUX;
	else if (err[0])
		pr_info("hv: loading the %s kernel failed: %s", kind == HV_CTL_LOAD_LINUX ? "Linux" : "multiboot", err);
	kfree(st);
	return rc;
}
