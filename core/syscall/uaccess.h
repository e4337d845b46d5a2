/* Shorthands for the syscall layer: user memory of the calling process. */
#ifndef CORE_SYSCALL_UACCESS_H
#define CORE_SYSCALL_UACCESS_H
#include <kern/proc.h>
#include <kern/vm.h>

static inline int get_user_buf(void *dst, uintptr_t src, size_t len)
{
	return copy_from_user(proc_current()->vm, dst, src, len);
}

static inline int put_user_buf(uintptr_t dst, const void *src, size_t len)
{
	return copy_to_user(proc_current()->vm, dst, src, len);
}

/* Linux's access_ok: the whole buffer lies below the user limit, so a huge
 * or negative length is EFAULT before any transfer. */
static inline bool user_range_ok(uintptr_t ubuf, size_t len)
{
	return len <= vm_user_limit() && ubuf <= vm_user_limit() - len;
}

#define get_user(var, uaddr) get_user_buf(&(var), (uintptr_t)(uaddr), sizeof(var))
#define put_user(var, uaddr) put_user_buf((uintptr_t)(uaddr), &(var), sizeof(var))
#endif
