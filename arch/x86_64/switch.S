/* Kernel thread context switch for x86-64 (SysV ABI): only callee-saved
 * registers need saving, since the switch is an ordinary call.
 *
 * void arch_context_switch(uintptr_t *save_sp, uintptr_t load_sp) */
	.text
	.globl arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_context_switch, .-arch_context_switch

/* First activation of a new context: arch_context_init() left entry in r12
 * and its argument in r13 in the saved frame. */
	.globl arch_context_trampoline
	.type arch_context_trampoline, @function
arch_context_trampoline:
	movq %r13, %rdi
	xorl %ebp, %ebp
	pushq $0            /* fake return address: ends backtraces, aligns */
	jmp *%r12
	.size arch_context_trampoline, .-arch_context_trampoline

	.section .note.GNU-stack,"",@progbits
