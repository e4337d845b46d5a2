/* The MACROHARD hypercall ABI: what a guest gets from vmcall (Intel) or
 * vmmcall (AMD); both are accepted on either vendor.
 *
 *   rax   hypercall number (HV_HC_*)
 *   rdi, rsi, rdx, r10   arguments 1-4
 *   rax   result: >= 0 on success, a negative Linux errno on failure
 *         (-ENOSYS for an unknown number); other registers are preserved.
 *
 * A guest finds the ABI through CPUID leaf 0x40000000 (signature
 * "MACROHARDHV\0" in ebx, ecx, edx; eax = the highest hypervisor leaf) and
 * leaf 0x40000001 (eax = HV_HYPERCALL_VERSION). Addresses are guest linear
 * addresses, translated through the guest's current page tables. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#define HV_HYPERCALL_VERSION    0x00010000 /* major << 16 | minor */
#define HV_CPUID_SIGNATURE_LEAF 0x40000000u
#define HV_CPUID_SIGNATURE      "MACROHARDHV" /* 11 characters + NUL = 12 bytes */

enum hv_hypercall {
	/* -> HV_HYPERCALL_VERSION */
	HV_HC_VERSION = 0,
	/* rdi = buffer, rsi = length (at most HV_HC_CONSOLE_MAX): writes to the
	 * VM console; -> bytes written, or -EFAULT (nothing written). */
	HV_HC_CONSOLE_WRITE = 1,
	/* rdi = status: powers the VM off (stop reason POWEROFF, code = status);
	 * does not return to the guest. */
	HV_HC_EXIT = 2,
	/* -> 0; for measuring the exit round trip. */
	HV_HC_NOP = 3,
	HV_HC_COUNT
};

#define HV_HC_CONSOLE_MAX 4096
#endif
