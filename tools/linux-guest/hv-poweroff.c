/* Powers the VM off through the debug exit port 0xf4 (MACROHARD's PC board,
 * like QEMU's isa-debug-exit): the VM has no ACPI, so Linux's own poweroff
 * can only halt. Usage: hv-poweroff [CODE]. Freestanding: no libc. */
static long sys(long n, long a)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}

void _start_c(long *sp)
{
	char **argv = (char **)(sp + 1);
	unsigned char code = 0;

	if (*sp > 1)
		for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
			code = (unsigned char)(code * 10 + (*p - '0'));
	if (sys(172, 3) == 0) /* iopl(3) */
		__asm__ volatile("outb %0, %1" : : "a"(code), "Nd"((unsigned short)0xf4));
	sys(60, 1); /* still here: not a MACROHARD VM, or no privilege */
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall _start_c\n");
