/* Multiboot v1 entry of the test guests: own GDT, a stack, then
 * guest_main(magic, mbi); its return value is the exit status. */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x3 /* page-aligned modules, memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.globl _start
_start:
	cli
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	mov $0x10, %cx
	mov %cx, %ds
	mov %cx, %es
	mov %cx, %fs
	mov %cx, %gs
	mov %cx, %ss
	mov $stack_top, %esp
	push %ebx
	push %eax
	call guest_main
	push %eax
	call guest_exit
2:	hlt
	jmp 2b

	.data
	.align 8
	.globl gdt
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: code, flat */
	.quad 0x00cf93000000ffff /* 0x10: data, flat */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt

	.bss
	.align 16
	.space 16384
stack_top:
