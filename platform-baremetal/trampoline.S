/* Application-processor start-up code. smp.c copies this blob to a free page
 * below 1 MiB and fills in its data block; the AP starts here in real mode
 * at CS:IP = page:0 after the startup IPI, switches straight to long mode
 * (PAE, EFER.LME and CR0.PG|PE in one go) on temporary page tables that
 * identity-map the low 2 MiB and share the kernel half, then jumps to
 * ap_entry(cpu) on the stack the core allocated.
 *
 * All addresses inside the blob are offsets from trampoline_start; the
 * two that must be absolute (the GDT base and the far jump) are patched. */
#include <arch/x86_64/cr.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/msr.h>

#define OFF(x) ((x) - trampoline_start)

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start, trampoline_end
	.globl tramp_gdtr, tramp_far64, tramp_cr3, tramp_efer, tramp_stack, tramp_entry, tramp_cpu, tramp_gdt
	.globl tramp_long
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl OFF(tramp_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl OFF(tramp_efer), %eax
	wrmsr
	lgdtl OFF(tramp_gdtr)
	/* INIT leaves caching disabled (CD, NW): turn it back on too. */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax
	orl $(CR0_PE | CR0_PG | CR0_WP | CR0_NE), %eax
	movl %eax, %cr0
	ljmpl *OFF(tramp_far64)

	.code64
tramp_long:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq tramp_stack(%rip), %rsp
	andq $-16, %rsp
	movl tramp_cpu(%rip), %edi
	movq tramp_entry(%rip), %rax
	xorl %ebp, %ebp
	pushq $0 /* fake return address */
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad GDT_DESC_KERNEL_CODE64
	.quad GDT_DESC_KERNEL_DATA
tramp_gdtr:
	.word 3 * 8 - 1
	.long 0 /* patched: physical address of tramp_gdt */
	.balign 8
tramp_far64:
	.long 0 /* patched: physical address of tramp_long */
	.word KERNEL_CS
	.balign 8
tramp_cr3:
	.long 0
tramp_efer:
	.long 0
tramp_stack:
	.quad 0
tramp_entry:
	.quad 0
tramp_cpu:
	.long 0
trampoline_end:

	.section .note.GNU-stack, "", @progbits
