/* Platform interface: kernel thread contexts.
 * The register save/restore itself is architecture code (arch/x86_64); the
 * platform wraps it so that the hosted build can tell ASan and valgrind
 * about stack switches. */
#ifndef PLAT_CONTEXT_H
#define PLAT_CONTEXT_H
#include <kern/types.h>

struct plat_context {
	uintptr_t sp;         /* saved stack pointer while switched out */
	void *stack_base;     /* lowest address of the stack */
	size_t stack_size;
	void *fake_stack;     /* sanitizer bookkeeping (hosted) */
	unsigned valgrind_id; /* valgrind stack registration (hosted) */
	void (*entry)(void *); /* first activation, for platforms that wrap it */
	void *arg;
};

/* Prepares `ctx` so that the first switch to it calls entry(arg) on the
 * given stack. `entry` must never return. */
void plat_context_init(struct plat_context *ctx, void *stack_base, size_t stack_size,
		       void (*entry)(void *), void *arg);
/* Describes the stack the calling CPU booted on (its idle/boot thread). */
void plat_context_init_current(struct plat_context *ctx);
/* Saves the current registers into `from` and resumes `to`. Returns when
 * something switches back to `from`. Call with interrupts disabled. */
void plat_context_switch(struct plat_context *from, struct plat_context *to);
/* Releases platform bookkeeping for a context that will not run again. */
void plat_context_destroy(struct plat_context *ctx);

#endif
