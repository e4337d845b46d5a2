/* The application processors' start: a SIPI with vector 1 starts them in
 * real mode at 0x1000, where the BSP copied [ap_tramp_start, ap_tramp_end).
 * They load the guest's GDT, enter flat protected mode, count themselves
 * and halt. */
	.section .rodata
	.code16
	.globl ap_tramp_start, ap_tramp_end
ap_tramp_start:
	cli
	lgdtl %cs:(ap_gdt_desc - ap_tramp_start)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $ap_entry32
ap_gdt_desc:
	.word 23
	.long gdt
ap_tramp_end:

	.text
	.code32
ap_entry32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov 0xfee00020, %eax /* LAPIC ID */
	shr $24, %eax
	movb $1, ap_seen(%eax)
	lock incl ap_count
1:	cli
	hlt
	jmp 1b
