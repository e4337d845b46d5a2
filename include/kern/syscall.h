/* The syscall layer: one table (include/kern/syscalls.def). */
#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H
#include <kern/types.h>

#define SYSCALL_MAX 512

enum syscall_arg_kind {
	SARG__ = 0, /* unused slot */
	SARG_INT,
	SARG_UINT,
	SARG_HEX,
	SARG_FD,
	SARG_PTR,
	SARG_STR,
	SARG_PATH,
	SARG_SIZE,
	SARG_FLAGS,
	SARG_MODE,
	SARG_PID,
	SARG_SIG,
	SARG_ADDR,
};

typedef long (*syscall_fn_t)(long a0, long a1, long a2, long a3, long a4, long a5);

struct syscall_desc {
	const char *name;    /* NULL: no such syscall number */
	syscall_fn_t fn;     /* NULL: known but not implemented (-ENOSYS) */
	uint8_t nargs;
	uint8_t kinds[6];
};

extern const struct syscall_desc syscall_table[SYSCALL_MAX];

/* Runs syscall `nr` for the current task; returns the value for rax. */
long syscall_dispatch(unsigned long nr, const long args[6]);

#define SYSCALL(nr, name, n, k0, k1, k2, k3, k4, k5) long sys_##name(long, long, long, long, long, long);
#define SYSCALL_UNIMPL(nr, name)
#include <kern/syscalls.def>
#undef SYSCALL
#undef SYSCALL_UNIMPL
#endif
