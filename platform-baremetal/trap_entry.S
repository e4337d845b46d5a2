/* Interrupt and exception entry. Every vector has a 16-byte stub that pushes
 * a zero error code (where the CPU pushes none) and the vector number, then
 * joins trap_common, which saves all general registers as a struct
 * trap_frame (trap.h) and calls trap_dispatch(frame). Device interrupts run
 * on the interrupted thread's stack, so trap_dispatch may switch threads
 * (kernel_interrupt_exit) and return here much later.
 *
 * Entries from ring 3 (CS RPL 3) take trap_from_user instead: swapgs, the
 * same frame on the stack user_enter_asm recorded in TSS.RSP0, then
 * user_trap_entry() saves the user state and handles the trap, and the
 * thread returns from plat_user_enter (user_entry.S). */
#include <arch/x86_64/desc.h>
#include "user_offsets.h"

#define TRAP_STUB_SIZE 16
/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.balign TRAP_STUB_SIZE
	.globl trap_stubs
	.type trap_stubs, @function
trap_stubs:
	.set vector, 0
	.rept 256
	.balign TRAP_STUB_SIZE
	.if !HAS_ERROR_CODE(vector)
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	.set vector, vector + 1
	.endr
	.size trap_stubs, . - trap_stubs

#define PUSH_GPRS \
	pushq %rax; pushq %rbx; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi; pushq %rbp; \
	pushq %r8; pushq %r9; pushq %r10; pushq %r11; pushq %r12; pushq %r13; pushq %r14; pushq %r15

	.type trap_common, @function
trap_common:
	testb $3, 24(%rsp) /* CS, above the vector, error code and rip */
	jnz trap_from_user
	PUSH_GPRS
	/* The CPU aligned rsp to 16 before its 5-word frame; with the error
	 * code, vector and 15 registers rsp is 16-byte aligned again here. */
	movq %rsp, %rdi
	cld
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp /* vector, error code */
	iretq
	.size trap_common, . - trap_common

	.type trap_from_user, @function
trap_from_user:
	swapgs
	PUSH_GPRS
	/* User code may have set AC (which would lift SMAP) with popf;
	 * interrupt gates cleared IF, TF and NT already. */
	pushq $2
	popfq
	movq %rsp, %rdi
	call user_trap_entry
	addq $TRAP_FRAME_SIZE, %rsp
	jmp user_exit_to_kernel
	.size trap_from_user, . - trap_from_user

	.section .note.GNU-stack, "", @progbits
