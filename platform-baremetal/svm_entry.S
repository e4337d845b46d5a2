/* VMRUN with the host state VMRUN does not switch kept around it.
 *
 * void svm_vmrun_asm(paddr_t vmcb_pa, struct hv_svm_gprs *gprs, paddr_t host_pa)
 *
 * Called with interrupts off. CLGI holds interrupts and NMIs from here to
 * STGI: between VMLOAD of the guest and VMLOAD of the host, GS base, TR and
 * the syscall MSRs are the guest's. STI before VMRUN makes the host IF that
 * VMRUN saves 1, so a physical interrupt during the guest ends it with
 * #VMEXIT(INTR) (V_INTR_MASKING); it is taken once the caller re-enables
 * interrupts. VMRUN restores rsp, rax (the VMCB address) and rip; every
 * other general register holds the guest's value afterwards. */
#include <hv/svm/svm.h>

	.text
	.globl svm_vmrun_asm
	.type svm_vmrun_asm, @function
svm_vmrun_asm:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rsi		/* 16(%rsp): gprs */
	push %rdx		/* 8(%rsp): host save area */
	push %rdi		/* 0(%rsp): VMCB */
	clgi
	sti
	mov %rdx, %rax
	vmsave %rax
	mov (%rsp), %rax
	vmload %rax
	mov HV_SVM_GPRS_RBX(%rsi), %rbx
	mov HV_SVM_GPRS_RCX(%rsi), %rcx
	mov HV_SVM_GPRS_RDX(%rsi), %rdx
	mov HV_SVM_GPRS_RDI(%rsi), %rdi
	mov HV_SVM_GPRS_RBP(%rsi), %rbp
	mov HV_SVM_GPRS_R8+0x00(%rsi), %r8
	mov HV_SVM_GPRS_R8+0x08(%rsi), %r9
	mov HV_SVM_GPRS_R8+0x10(%rsi), %r10
	mov HV_SVM_GPRS_R8+0x18(%rsi), %r11
	mov HV_SVM_GPRS_R8+0x20(%rsi), %r12
	mov HV_SVM_GPRS_R8+0x28(%rsi), %r13
	mov HV_SVM_GPRS_R8+0x30(%rsi), %r14
	mov HV_SVM_GPRS_R8+0x38(%rsi), %r15
	mov HV_SVM_GPRS_RSI(%rsi), %rsi
	vmrun %rax
	vmsave %rax
	push %rsi		/* the guest's; gprs is now at 24(%rsp) */
	mov 24(%rsp), %rsi
	mov %rbx, HV_SVM_GPRS_RBX(%rsi)
	mov %rcx, HV_SVM_GPRS_RCX(%rsi)
	mov %rdx, HV_SVM_GPRS_RDX(%rsi)
	mov %rdi, HV_SVM_GPRS_RDI(%rsi)
	mov %rbp, HV_SVM_GPRS_RBP(%rsi)
	mov %r8, HV_SVM_GPRS_R8+0x00(%rsi)
	mov %r9, HV_SVM_GPRS_R8+0x08(%rsi)
	mov %r10, HV_SVM_GPRS_R8+0x10(%rsi)
	mov %r11, HV_SVM_GPRS_R8+0x18(%rsi)
	mov %r12, HV_SVM_GPRS_R8+0x20(%rsi)
	mov %r13, HV_SVM_GPRS_R8+0x28(%rsi)
	mov %r14, HV_SVM_GPRS_R8+0x30(%rsi)
	mov %r15, HV_SVM_GPRS_R8+0x38(%rsi)
	pop %rax
	mov %rax, HV_SVM_GPRS_RSI(%rsi)
	mov 8(%rsp), %rax
	vmload %rax
	cli
	stgi
	add $24, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size svm_vmrun_asm, . - svm_vmrun_asm
	.section .note.GNU-stack, "", @progbits
