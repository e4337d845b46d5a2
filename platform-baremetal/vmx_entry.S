/* VM entry and the VM-exit landing point.
 *
 * int vmx_run_asm(struct hv_vmx_gprs *g, int launched)
 *
 * Called with interrupts off and the vCPU's VMCS current. Saves the host's
 * callee-saved registers, points HOST_RSP at this frame and HOST_RIP at
 * vmx_exit, loads the guest's cr2 and general registers (rsp, rip and
 * rflags come from the VMCS), then VMLAUNCH (launched 0) or VMRESUME.
 * Returns 1 if the instruction failed (VMfail: nothing ran), or 0 from
 * vmx_exit after a VM exit, with the guest's registers stored back. */
#include <hv/vmx/vmx.h>

#define HOST_RSP 0x6c14
#define HOST_RIP 0x6c16
#define G(n) HV_VMX_GPRS_GPR(n)

	.text
	.globl vmx_run_asm
	.type vmx_run_asm, @function
vmx_run_asm:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi		/* 0(%rsp): g; HOST_RSP points here */
	mov $HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe 2f
	lea vmx_exit(%rip), %rdx
	mov $HOST_RIP, %eax
	vmwrite %rdx, %rax
	jbe 2f
	mov HV_VMX_GPRS_CR2(%rdi), %rax
	mov %rax, %cr2
	test %esi, %esi		/* movs leave the flags alone */
	mov G(1)(%rdi), %rcx
	mov G(2)(%rdi), %rdx
	mov G(3)(%rdi), %rbx
	mov G(5)(%rdi), %rbp
	mov G(6)(%rdi), %rsi
	mov G(8)(%rdi), %r8
	mov G(9)(%rdi), %r9
	mov G(10)(%rdi), %r10
	mov G(11)(%rdi), %r11
	mov G(12)(%rdi), %r12
	mov G(13)(%rdi), %r13
	mov G(14)(%rdi), %r14
	mov G(15)(%rdi), %r15
	mov G(0)(%rdi), %rax
	mov G(7)(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* VMfail: still on our frame */
	add $8, %rsp
	mov $1, %eax
	jmp 3f

	.globl vmx_exit
vmx_exit:
	push %rdi		/* the guest's; g is at 8(%rsp) */
	mov 8(%rsp), %rdi
	mov %rax, G(0)(%rdi)
	mov %rcx, G(1)(%rdi)
	mov %rdx, G(2)(%rdi)
	mov %rbx, G(3)(%rdi)
	mov %rbp, G(5)(%rdi)
	mov %rsi, G(6)(%rdi)
	mov %r8, G(8)(%rdi)
	mov %r9, G(9)(%rdi)
	mov %r10, G(10)(%rdi)
	mov %r11, G(11)(%rdi)
	mov %r12, G(12)(%rdi)
	mov %r13, G(13)(%rdi)
	mov %r14, G(14)(%rdi)
	mov %r15, G(15)(%rdi)
	pop %rax
	mov %rax, G(7)(%rdi)
	mov %cr2, %rax
	mov %rax, HV_VMX_GPRS_CR2(%rdi)
	add $8, %rsp
	xor %eax, %eax
3:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size vmx_run_asm, . - vmx_run_asm
	.section .note.GNU-stack, "", @progbits
