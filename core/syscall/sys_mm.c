/* Memory-management syscalls. */
#include <kern/abi/mman.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/mm.h>
#include <kern/syscall.h>
#include <kern/vfs.h>
#include <kern/vm.h>

#include "uaccess.h"

#define MAP_KNOWN_FLAGS                                                                                   \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE)

/* A private file mapping is a snapshot of the file, read in at mmap time
 * (no page cache yet); shared file mappings are not supported. */
static long map_file_private(struct vm_space *vm, long addr, size_t len, unsigned prot, unsigned flags, long fd,
			     int64_t off)
{
	struct file *f = fdt_lookup(proc_current()->fds, (int)fd);
	uint8_t *buf;
	long at;

	if (!f)
		return -EBADF;
	at = vm_map(vm, (uintptr_t)addr, len, prot, (flags & ~MAP_ANONYMOUS) | MAP_PRIVATE);
	buf = kmalloc(PAGE_SIZE);
	for (size_t done = 0; at >= 0 && buf && done < len; done += PAGE_SIZE) {
		ssize_t n = vfs_pread(f, buf, PAGE_SIZE, off + (int64_t)done);
		if (n < 0) {
			vm_unmap(vm, (uintptr_t)at, len);
			at = n == -EISDIR ? -ENODEV : n;
			break;
		}
		if (n == 0)
			break;
		if (vm_write_force(vm, (uintptr_t)at + done, buf, (size_t)n)) {
			vm_unmap(vm, (uintptr_t)at, len);
			at = -ENOMEM;
			break;
		}
	}
	if (!buf && at >= 0) {
		vm_unmap(vm, (uintptr_t)at, len);
		at = -ENOMEM;
	}
	kfree(buf);
	file_put(f);
	return at;
}

long sys_mmap(long addr, long len, long prot, long flags, long fd, long off)
{
	struct vm_space *vm = proc_current()->vm;
	unsigned type = (unsigned)flags & MAP_TYPE;

	/* Linux's order: offset alignment, the descriptor, then the rest. */
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd < 0 || fd > 0x7fffffffL ? NULL : fdt_lookup(proc_current()->fds, (int)fd);
		if (!f)
			return -EBADF;
		file_put(f);
	}
	if (len == 0 || (flags & ~MAP_KNOWN_FLAGS))
		return -EINVAL;
	/* A length that rounds past the end of memory cannot be mapped. */
	if ((unsigned long)len > vm_user_limit())
		return -ENOMEM;
	if (off < 0)
		return -EOVERFLOW;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if ((flags & MAP_FIXED) && (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!(flags & MAP_FIXED))
		addr &= ~(long)(PAGE_SIZE - 1);
	if (flags & MAP_ANONYMOUS)
		return vm_map(vm, (uintptr_t)addr, (size_t)len, (unsigned)prot,
			      ((unsigned)flags & ~MAP_TYPE) | (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED));
	if (type != MAP_PRIVATE)
		return -ENODEV;
	return map_file_private(vm, addr, (size_t)len, (unsigned)prot, (unsigned)flags, fd, off);
}

long sys_munmap(long addr, long len, long a2, long a3, long a4, long a5)
{
	return vm_unmap(proc_current()->vm, (uintptr_t)addr, (size_t)len);
}

long sys_mprotect(long addr, long len, long prot, long a3, long a4, long a5)
{
	return vm_protect(proc_current()->vm, (uintptr_t)addr, (size_t)len, (unsigned)prot & ~PROT_GROWSDOWN);
}

long sys_brk(long addr, long a1, long a2, long a3, long a4, long a5)
{
	return (long)vm_set_brk(proc_current()->vm, (uintptr_t)addr);
}

long sys_mremap(long old, long old_len, long new_len, long flags, long new_addr, long a5)
{
	return vm_remap(proc_current()->vm, (uintptr_t)old, (size_t)old_len, (size_t)new_len, (unsigned)flags,
			(uintptr_t)new_addr);
}

long sys_madvise(long addr, long len, long advice, long a3, long a4, long a5)
{
	unsigned long aligned = ALIGN_UP((unsigned long)len, PAGE_SIZE);

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
		break;
	default:
		return -EINVAL;
	}
	if (len && !aligned)
		return -EINVAL; /* the length wraps when rounded up */
	if ((unsigned long)addr + aligned < (unsigned long)addr)
		return -EINVAL;
	/* Advice on memory that is not mapped fails, as on Linux. */
	if (aligned && !vm_range_mapped(proc_current()->vm, (uintptr_t)addr, (uintptr_t)addr + aligned))
		return -ENOMEM;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return vm_discard(proc_current()->vm, (uintptr_t)addr, (size_t)len);
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
		return 0; /* hints */
	}
	return -EINVAL;
}
