/* Dispatch through the one table, with tracing and a once-per-syscall
 * report of what is not implemented. */
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/printf.h>
#include <kern/proc.h>
#include <kern/syscall.h>

#define SYSCALL(nr, nm, n, k0, k1, k2, k3, k4, k5) \
	[nr] = {#nm, sys_##nm, n, {SARG_##k0, SARG_##k1, SARG_##k2, SARG_##k3, SARG_##k4, SARG_##k5}},
#define SYSCALL_UNIMPL(nr, nm) [nr] = {#nm, NULL, 0, {0}},
const struct syscall_desc syscall_table[SYSCALL_MAX] = {
#include <kern/syscalls.def>
};
#undef SYSCALL
#undef SYSCALL_UNIMPL

static uint8_t reported_missing[SYSCALL_MAX / 8];
static int trace_enabled = -1;

static bool tracing(void)
{
	if (trace_enabled < 0)
		trace_enabled = cmdline_has("strace");
	return trace_enabled;
}

static void trace(unsigned long nr, const struct syscall_desc *d, const long args[6], long ret)
{
	struct task *t = task_current();
	char buf[200];
	int n = 0;

	n += ksnprintf(buf + n, sizeof(buf) - (size_t)n, "[%d] %s(", t ? t->tid : 0, d && d->name ? d->name : "?");
	for (unsigned i = 0; d && i < d->nargs && n < (int)sizeof(buf); i++) {
		const char *fmt = d->kinds[i] == SARG_INT || d->kinds[i] == SARG_FD || d->kinds[i] == SARG_PID ||
						  d->kinds[i] == SARG_SIG || d->kinds[i] == SARG_SIZE
					  ? "%s%ld"
					  : "%s%#lx";
		n += ksnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, i ? ", " : "", args[i]);
	}
	if (!d)
		n += ksnprintf(buf + n, sizeof(buf) - (size_t)n, "%lu", nr);
	if (ret < 0 && ret > -4096)
		ksnprintf(buf + MIN(n, (int)sizeof(buf) - 1), sizeof(buf) - (size_t)MIN(n, (int)sizeof(buf) - 1),
			  ") = -%ld", -ret);
	else
		ksnprintf(buf + MIN(n, (int)sizeof(buf) - 1), sizeof(buf) - (size_t)MIN(n, (int)sizeof(buf) - 1),
			  ") = %#lx", ret);
	kprintf("strace: %s\n", buf);
}

/* C `int` arguments arrive in 64-bit registers whose upper half the ABI
 * leaves undefined: narrow them as their declared kind says. */
static long narrow_arg(uint8_t kind, long v)
{
	switch (kind) {
	case SARG_INT:
	case SARG_FD:
	case SARG_PID:
	case SARG_SIG:
		return (long)(int)v;
	case SARG_UINT:
	case SARG_FLAGS:
	case SARG_MODE:
		return (long)(unsigned int)v;
	}
	return v;
}

long syscall_dispatch(unsigned long nr, const long raw[6])
{
	const struct syscall_desc *d = nr < SYSCALL_MAX && syscall_table[nr].name ? &syscall_table[nr] : NULL;
	long a[6];
	long ret;

	for (unsigned i = 0; i < 6; i++)
		a[i] = d ? narrow_arg(d->kinds[i], raw[i]) : raw[i];
	if (d && d->fn) {
		ret = d->fn(a[0], a[1], a[2], a[3], a[4], a[5]);
	} else {
		if (nr < SYSCALL_MAX && !(reported_missing[nr / 8] & (1u << (nr % 8)))) {
			reported_missing[nr / 8] |= (uint8_t)(1u << (nr % 8));
			pr_warn("syscall %lu (%s) is not implemented", nr, d ? d->name : "unknown");
		} else if (nr >= SYSCALL_MAX) {
			pr_warn("syscall %lu is out of range", nr);
		}
		ret = -ENOSYS;
	}
	if (tracing())
		trace(nr, d, a, ret);
	return ret;
}
