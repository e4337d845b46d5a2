/* Kernel thread contexts on the hosted platform: the x86-64 switch from
 * arch/, plus the annotations that let ASan and valgrind follow stacks. */
#include "hosted.h"

#include <arch/x86_64/context.h>
#include <plat/context.h>
#include <stdlib.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif

/* Present only in sanitizer builds. */
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size)
	__attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old)
	__attribute__((weak));

static void context_first_run(void *arg)
{
	struct plat_context *ctx = arg;

	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
	ctx->entry(ctx->arg);
	abort(); /* entries never return */
}

void plat_context_init(struct plat_context *ctx, void *stack_base, size_t stack_size, void (*entry)(void *),
		       void *arg)
{
	ctx->stack_base = stack_base;
	ctx->stack_size = stack_size;
	ctx->fake_stack = NULL;
	ctx->entry = entry;
	ctx->arg = arg;
	ctx->valgrind_id = 0;
#ifdef HAVE_VALGRIND
	ctx->valgrind_id = VALGRIND_STACK_REGISTER(stack_base, (char *)stack_base + stack_size);
#endif
	ctx->sp = arch_context_prepare((char *)stack_base + stack_size, context_first_run, ctx);
}

void plat_context_init_current(struct plat_context *ctx)
{
	struct hcpu *c = hosted_this_cpu();
	char here;
	pthread_attr_t attr;

	ctx->fake_stack = NULL;
	ctx->valgrind_id = 0;
	ctx->entry = NULL;
	ctx->arg = NULL;
	if (c->boot_stack && &here >= (char *)c->boot_stack && &here < (char *)c->boot_stack + c->boot_stack_size) {
		ctx->stack_base = c->boot_stack;
		ctx->stack_size = c->boot_stack_size;
		return;
	}
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstack(&attr, &ctx->stack_base, &ctx->stack_size);
		pthread_attr_destroy(&attr);
	} else {
		ctx->stack_base = NULL;
		ctx->stack_size = 0;
	}
}

void plat_context_switch(struct plat_context *from, struct plat_context *to)
{
	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(&from->fake_stack, to->stack_base, to->stack_size);
	arch_context_switch(&from->sp, to->sp);
	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
}

void plat_context_destroy(struct plat_context *ctx)
{
#ifdef HAVE_VALGRIND
	if (ctx->valgrind_id) {
		VALGRIND_STACK_DEREGISTER(ctx->valgrind_id);
		/* Memcheck marked what the stack popped as no-access; the pages go
		 * back to the allocator as plain memory (thread_create zeroes
		 * whole stacks). */
		(void)VALGRIND_MAKE_MEM_UNDEFINED(ctx->stack_base, ctx->stack_size);
	}
#endif
	ctx->valgrind_id = 0;
}
