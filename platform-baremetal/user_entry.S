/* Ring 3 entry and return, in the style of gVisor's ring0 platform: the
 * kernel thread that calls plat_user_enter keeps its stack. user_enter_asm
 * saves the callee-saved registers there, records the stack pointer as this
 * CPU's TSS.RSP0 and user_kernel_rsp, and enters user code. Every way back
 * (the syscall instruction here, an exception or interrupt in trap_entry.S)
 * saves the user state and arrives at user_exit_to_kernel with rsp at that
 * recorded value, which pops the saved registers and returns from
 * user_enter_asm as if it were an ordinary call.
 *
 * Stack at the recorded rsp (16-byte aligned, so an interrupt frame from
 * ring 3 ends exactly there):
 *   [rsp]     the rsp before alignment, twice (keeps the alignment)
 *   above it  r15 r14 r13 r12 rbp rbx, return address */
#include <arch/x86_64/desc.h>
#include "percpu_offsets.h"
#include "user_offsets.h"

	.text

/* void user_enter_asm(struct user_regs *regs, bool sysret) */
	.globl user_enter_asm
	.type user_enter_asm, @function
user_enter_asm:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rax
	andq $-16, %rsp
	pushq %rax
	pushq %rax
	movq %rsp, %gs:PERCPU_USER_KERNEL_RSP
	movq %gs:PERCPU_TSS_RSP0, %rax
	movq %rsp, (%rax)
	movq %rdi, %gs:PERCPU_USER_REGS
	testb %sil, %sil
	jz 1f

	/* sysretq: rcx and r11 already equal rip and rflags (user.c checks).
	 * A null SS left by an interrupt would survive sysret on some AMD
	 * CPUs with unusable attributes: load a real one first. */
	movl $KERNEL_DS, %eax
	movl %eax, %ss
	movq UREGS_RAX(%rdi), %rax
	movq UREGS_RBX(%rdi), %rbx
	movq UREGS_RDX(%rdi), %rdx
	movq UREGS_RSI(%rdi), %rsi
	movq UREGS_RBP(%rdi), %rbp
	movq UREGS_R8(%rdi), %r8
	movq UREGS_R9(%rdi), %r9
	movq UREGS_R10(%rdi), %r10
	movq UREGS_R12(%rdi), %r12
	movq UREGS_R13(%rdi), %r13
	movq UREGS_R14(%rdi), %r14
	movq UREGS_R15(%rdi), %r15
	movq UREGS_RIP(%rdi), %rcx
	movq UREGS_RFLAGS(%rdi), %r11
	movq UREGS_RSP(%rdi), %rsp
	movq UREGS_RDI(%rdi), %rdi
	/* From here to sysretq only an NMI or #MC can arrive; their IST
	 * stacks tell them their CPU (trap.c). */
	swapgs
	sysretq

1:	/* iretq: every register is the user's own. */
	pushq $USER_DS
	pushq UREGS_RSP(%rdi)
	pushq UREGS_RFLAGS(%rdi)
	pushq $USER_CS
	pushq UREGS_RIP(%rdi)
	movq UREGS_RAX(%rdi), %rax
	movq UREGS_RBX(%rdi), %rbx
	movq UREGS_RCX(%rdi), %rcx
	movq UREGS_RDX(%rdi), %rdx
	movq UREGS_RSI(%rdi), %rsi
	movq UREGS_RBP(%rdi), %rbp
	movq UREGS_R8(%rdi), %r8
	movq UREGS_R9(%rdi), %r9
	movq UREGS_R10(%rdi), %r10
	movq UREGS_R11(%rdi), %r11
	movq UREGS_R12(%rdi), %r12
	movq UREGS_R13(%rdi), %r13
	movq UREGS_R14(%rdi), %r14
	movq UREGS_R15(%rdi), %r15
	movq UREGS_RDI(%rdi), %rdi
	swapgs
	iretq
	.size user_enter_asm, . - user_enter_asm

/* Back to the caller of user_enter_asm; rsp is the recorded value. */
	.globl user_exit_to_kernel
	.type user_exit_to_kernel, @function
user_exit_to_kernel:
	movq (%rsp), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.size user_exit_to_kernel, . - user_exit_to_kernel

/* Saves the user GPRs into this CPU's user_regs after a syscall
 * instruction (rcx = user rip, r11 = user rflags; interrupts off through
 * SFMASK) and leaves rdi pointing at them. */
.macro SYSCALL_SAVE
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP_SCRATCH
	movq %gs:PERCPU_USER_KERNEL_RSP, %rsp
	pushq %rdi
	movq %gs:PERCPU_USER_REGS, %rdi
	movq %rax, UREGS_RAX(%rdi)
	movq %rbx, UREGS_RBX(%rdi)
	movq %rcx, UREGS_RCX(%rdi)
	movq %rdx, UREGS_RDX(%rdi)
	movq %rsi, UREGS_RSI(%rdi)
	movq %rbp, UREGS_RBP(%rdi)
	movq %r8, UREGS_R8(%rdi)
	movq %r9, UREGS_R9(%rdi)
	movq %r10, UREGS_R10(%rdi)
	movq %r11, UREGS_R11(%rdi)
	movq %r12, UREGS_R12(%rdi)
	movq %r13, UREGS_R13(%rdi)
	movq %r14, UREGS_R14(%rdi)
	movq %r15, UREGS_R15(%rdi)
	movq %rcx, UREGS_RIP(%rdi)
	movq %r11, UREGS_RFLAGS(%rdi)
	popq UREGS_RDI(%rdi)
	movq %gs:PERCPU_USER_RSP_SCRATCH, %rax
	movq %rax, UREGS_RSP(%rdi)
.endm

	.globl user_syscall_entry
	.type user_syscall_entry, @function
user_syscall_entry:
	SYSCALL_SAVE
	call user_syscall_save
	jmp user_exit_to_kernel
	.size user_syscall_entry, . - user_syscall_entry

	.globl user_syscall_compat_entry
	.type user_syscall_compat_entry, @function
user_syscall_compat_entry:
	SYSCALL_SAVE
	call user_syscall_compat_save
	jmp user_exit_to_kernel
	.size user_syscall_compat_entry, . - user_syscall_compat_entry

	.section .note.GNU-stack, "", @progbits
