/* The stub process that runs user code for the hosted platform. It never
 * runs on its own: its tracer (platform-hosted/user.c) loads user registers
 * and resumes it under PTRACE_SYSEMU, and uses these two instructions to
 * make host system calls inside it (mmap/munmap of the machine's RAM). */
	.text
	.globl _start
_start:
	int3
	.globl stub_syscall_gadget
stub_syscall_gadget:
	syscall
	int3
	.section .note.GNU-stack,"",@progbits
