/* The syscall instruction's MSRs, per CPU: 64-bit syscalls enter
 * user_syscall_entry (user_entry.S) with interrupts, single-step, string
 * direction, nested-task and alignment-check/SMAP-override flags cleared. */
#include <arch/x86_64/cr.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/msr.h>
#include "cpu_ops.h"
#include "percpu.h"
#include "user_cpu.h"

void syscall_msr_init(void)
{
	/* syscall: CS = KERNEL_CS, SS = +8. sysretq: CS = base + 16, SS =
	 * base + 8, RPL 3 (desc.h orders the GDT for this). */
	uint64_t star = ((uint64_t)USER_CS32 << 48) | ((uint64_t)KERNEL_CS << 32);

	_Static_assert(USER_CS32 + 16 == USER_CS && USER_CS32 + 8 == USER_DS, "GDT order for sysret");
	_Static_assert(KERNEL_CS + 8 == KERNEL_DS, "GDT order for syscall");
	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, (uintptr_t)user_syscall_entry);
	/* No compatibility mode exists (gdt.c), but should an AMD CPU get
	 * there, its syscall ends the program as #UD would on Intel. */
	wrmsr(MSR_CSTAR, (uintptr_t)user_syscall_compat_entry);
	wrmsr(MSR_SFMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
	wrmsr(MSR_IA32_SYSENTER_CS, 0); /* sysenter from ring 3: #GP */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
