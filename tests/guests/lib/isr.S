/* Interrupt entry stubs: each pushes a dummy error code where the CPU pushes
 * none, then its vector, and goes to guest_isr(struct guest_frame *). */
	.text
.macro STUB vec
	.globl isr_\vec
isr_\vec:
	.if (\vec != 8) && (\vec != 10) && (\vec != 11) && (\vec != 12) && (\vec != 13) && (\vec != 14) && (\vec != 17)
	push $0
	.endif
	push $\vec
	jmp isr_common
.endm

.altmacro
.set i, 0
.rept 256
	STUB %i
	.set i, i + 1
.endr

isr_common:
	pusha
	push %esp
	call guest_isr
	add $4, %esp
	popa
	add $8, %esp
	iret

	.section .rodata
	.globl isr_table
isr_table:
.macro ADDR vec
	.long isr_\vec
.endm
.set i, 0
.rept 256
	ADDR %i
	.set i, i + 1
.endr
