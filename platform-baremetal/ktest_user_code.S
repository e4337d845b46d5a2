/* User-mode snippets for ktest_user.c: data the test copies into a user
 * page, never run by the kernel (hence .rodata). Each is position
 * independent and ends in a trap. */
	.section .rodata
	.globl ku_code_start, ku_code_end
	.globl ku_syscall, ku_load, ku_store, ku_jump, ku_ud2, ku_int3, ku_int80, ku_hlt
	.globl ku_fpu, ku_fpu_get, ku_segbase, ku_flags, ku_loop, ku_nops, ku_wrbase
ku_code_start:

/* rax=42, rdi=7, syscall; then hand back what the kernel returned in rax,
 * rcx and r11 (rbx, rdx, rsi) with a second syscall. */
ku_syscall:
	movl $42, %eax
	movl $7, %edi
	syscall
	movq %rax, %rbx
	movq %rcx, %rdx
	movq %r11, %rsi
	syscall
	ud2

ku_load:
	movq (%rax), %rbx
	syscall
ku_store:
	movq %rbx, (%rax)
	syscall
ku_jump:
	jmp *%rax
ku_ud2:
	ud2
ku_int3:
	int3
	syscall
ku_int80:
	int $0x80
ku_hlt:
	hlt

/* xmm0 -> rax, rbx -> xmm1, MXCSR -> edx. */
ku_fpu:
	movq %xmm0, %rax
	movq %rbx, %xmm1
	stmxcsr (%rsp)
	movl (%rsp), %edx
	syscall

ku_fpu_get:
	movq %xmm1, %rax
	syscall

ku_segbase:
	movq %fs:0, %rax
	movq %gs:0, %rbx
	syscall

ku_flags:
	pushfq
	popq %rax
	syscall

ku_loop:
	pause
	jmp ku_loop

ku_nops:
	nop
	nop
	syscall

/* Only where CR4.FSGSBASE is on. */
ku_wrbase:
	wrfsbase %rax
	wrgsbase %rbx
	syscall
ku_code_end:

	.section .note.GNU-stack, "", @progbits
