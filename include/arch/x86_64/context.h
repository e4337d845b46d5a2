/* x86-64 kernel context switching, shared by both platforms. */
#ifndef ARCH_X86_64_CONTEXT_H
#define ARCH_X86_64_CONTEXT_H
#include <kern/types.h>

void arch_context_switch(uintptr_t *save_sp, uintptr_t load_sp);
/* Returns the initial saved stack pointer for a context that will start in
 * entry(arg) on the stack whose top is `stack_top`. */
uintptr_t arch_context_prepare(void *stack_top, void (*entry)(void *), void *arg);
#endif
