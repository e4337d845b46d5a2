#include <arch/x86_64/context.h>

void arch_context_trampoline(void);

uintptr_t arch_context_prepare(void *stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t *sp = (uintptr_t *)ALIGN_DOWN((uintptr_t)stack_top, 16);

	/* Frame popped by arch_context_switch: r15 r14 r13 r12 rbx rbp ret.
	 * The trampoline's push of a zero return address then leaves rsp at
	 * 8 mod 16, as at any function entry. */
	*--sp = (uintptr_t)arch_context_trampoline;
	*--sp = 0;                /* rbp */
	*--sp = 0;                /* rbx */
	*--sp = (uintptr_t)entry; /* r12 */
	*--sp = (uintptr_t)arg;   /* r13 */
	*--sp = 0;                /* r14 */
	*--sp = 0;                /* r15 */
	return (uintptr_t)sp;
}
