/* 64-bit entry of the linux64 test guest (Linux boot protocol: rsi = boot
 * params, long mode, identity-mapped), and its one interrupt stub. */
	.section .head, "ax"
	.fill 0x200, 1, 0xf4 /* the 32-bit entry this guest does not have */

	.section .text.entry64, "ax"
	.globl startup_64
startup_64:
	cli
	lea stack_top(%rip), %rsp
	mov %rsi, %rdi
	call linux_main
	mov %eax, %edi
	call guest_exit

	.text
	.globl isr64_timer, isr64_spurious
isr64_timer:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	cld
	call on_timer64
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	iretq
isr64_spurious:
	iretq

	.bss
	.align 16
	.space 16384
stack_top:
