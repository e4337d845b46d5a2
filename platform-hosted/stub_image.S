/* The stub executable, embedded so the hosted kernel is one file. */
	.section .rodata
	.globl hosted_stub_image, hosted_stub_image_end
	.balign 16
hosted_stub_image:
	.incbin STUB_PATH
hosted_stub_image_end:
	.section .note.GNU-stack,"",@progbits
