/* Kernel thread contexts: the register switch is arch/x86_64 code; bare
 * metal records the stacks (nothing to tell a sanitizer about) and puts a
 * user thread's FPU state back in memory at each switch (user.c). */
#include <arch/x86_64/context.h>
#include <kern/string.h>
#include <plat/context.h>
#include "percpu.h"
#include "user_cpu.h"

void plat_context_init(struct plat_context *ctx, void *stack_base, size_t stack_size,
		       void (*entry)(void *), void *arg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->stack_base = stack_base;
	ctx->stack_size = stack_size;
	ctx->sp = arch_context_prepare((char *)stack_base + stack_size, entry, arg);
}

void plat_context_init_current(struct plat_context *ctx)
{
	struct cpu_local *c = this_cpu();

	memset(ctx, 0, sizeof(*ctx));
	ctx->stack_base = c->boot_stack_base;
	ctx->stack_size = c->boot_stack_size;
}

void plat_context_switch(struct plat_context *from, struct plat_context *to)
{
	/* The next thread may be another user thread, and this one may
	 * resume elsewhere: its FPU state goes back to memory now. */
	user_fpu_evict(this_cpu());
	arch_context_switch(&from->sp, to->sp);
}

void plat_context_destroy(struct plat_context *ctx)
{
	/* The stack belongs to the caller; poison the record so a stale
	 * switch to it faults instead of resuming garbage. */
	ctx->sp = 0;
}
