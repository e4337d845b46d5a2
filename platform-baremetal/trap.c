/* Routes every vector: CPU exceptions end in a register dump and
 * kernel_fatal_trap(); interrupts run their handler, acknowledge the LAPIC
 * and give the core its preemption point (kernel_interrupt_exit). */
#include <arch/x86_64/desc.h>
#include <arch/x86_64/msr.h>
#include <kern/printf.h>
#include <kern/stdarg.h>
#include <plat/console.h>
#include <plat/entry.h>
#include "apic.h"
#include "boot.h"
#include "cpu_ops.h"
#include "percpu.h"
#include "trap.h"
#include "user_cpu.h"

static const char *const exception_names[EXC_COUNT] = {
	[EXC_DE] = "divide error",
	[EXC_DB] = "debug",
	[EXC_NMI] = "non-maskable interrupt",
	[EXC_BP] = "breakpoint",
	[EXC_OF] = "overflow",
	[EXC_BR] = "bound range exceeded",
	[EXC_UD] = "invalid opcode",
	[EXC_NM] = "device not available",
	[EXC_DF] = "double fault",
	[EXC_TS] = "invalid TSS",
	[EXC_NP] = "segment not present",
	[EXC_SS] = "stack-segment fault",
	[EXC_GP] = "general protection fault",
	[EXC_PF] = "page fault",
	[EXC_MF] = "x87 floating-point error",
	[EXC_AC] = "alignment check",
	[EXC_MC] = "machine check",
	[EXC_XM] = "SIMD floating-point error",
	[EXC_VE] = "virtualization exception",
	[EXC_CP] = "control protection",
};

static void dump_line(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void dump_line(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	n = MIN(n, (int)sizeof(buf) - 2);
	buf[n++] = '\n';
	plat_console_write(buf, (size_t)n);
}

static NORETURN void exception_fatal(struct trap_frame *f)
{
	struct cpu_local *c = this_cpu();
	const char *name = f->vector < EXC_COUNT && exception_names[f->vector] ? exception_names[f->vector]
									       : "reserved exception";
	uint64_t cr2 = read_cr2();

	if (++c->fault_depth > 2)
		halt_forever(); /* faulting while reporting a fault: stop quietly */
	plat_console_write("\n", 1);
	dump_line("*** CPU %u: %s (vector %lu, error 0x%lx) ***", c->index, name, (unsigned long)f->vector,
		  (unsigned long)f->error);
	dump_line("rip %016lx  cs %04lx  rflags %016lx", (unsigned long)f->rip, (unsigned long)f->cs,
		  (unsigned long)f->rflags);
	dump_line("rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx", (unsigned long)f->rsp, (unsigned long)f->ss,
		  (unsigned long)cr2, (unsigned long)read_cr3());
	dump_line("rax %016lx  rbx %016lx  rcx %016lx", (unsigned long)f->rax, (unsigned long)f->rbx,
		  (unsigned long)f->rcx);
	dump_line("rdx %016lx  rsi %016lx  rdi %016lx", (unsigned long)f->rdx, (unsigned long)f->rsi,
		  (unsigned long)f->rdi);
	dump_line("rbp %016lx  r8  %016lx  r9  %016lx", (unsigned long)f->rbp, (unsigned long)f->r8,
		  (unsigned long)f->r9);
	dump_line("r10 %016lx  r11 %016lx  r12 %016lx", (unsigned long)f->r10, (unsigned long)f->r11,
		  (unsigned long)f->r12);
	dump_line("r13 %016lx  r14 %016lx  r15 %016lx", (unsigned long)f->r13, (unsigned long)f->r14,
		  (unsigned long)f->r15);
	if (f->vector == EXC_PF)
		dump_line("page fault: %s %s at %016lx (%s)", f->error & PF_ERR_U ? "user" : "kernel",
			  f->error & PF_ERR_I ? "instruction fetch" : f->error & PF_ERR_W ? "write" : "read",
			  (unsigned long)cr2, f->error & PF_ERR_P ? "protection violation" : "page not present");
	kernel_fatal_trap(name, f->rip, f->rbp);
}

static void interrupt_done(void)
{
	lapic_eoi();
	kernel_interrupt_exit();
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned v = (unsigned)f->vector;

	/* NMI, #MC and #DF may arrive between a swapgs and the return to
	 * ring 3, with the user's GS base. Their IST stacks say which CPU
	 * this is (percpu.h); they do not return, so nothing is restored. */
	if (v == EXC_NMI || v == EXC_MC || v == EXC_DF)
		wrmsr(MSR_GS_BASE, *(const uint64_t *)(f + 1));
	if (v < EXC_COUNT) {
		exception_fatal(f);
	} else if (v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + IRQ_LINES) {
		irq_dispatch(v - VEC_IRQ_BASE);
		interrupt_done();
	} else if (v == VEC_TIMER) {
		lapic_timer_interrupt();
		interrupt_done();
	} else if (v == VEC_IPI) {
		kernel_ipi_interrupt();
		interrupt_done();
	} else if (v == VEC_TLB) {
		tlb_shootdown_interrupt();
		lapic_eoi();
	} else if (v == VEC_APIC_ERROR) {
		lapic_error_interrupt();
		lapic_eoi();
	} else if (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16) {
		/* The masked 8259s can still raise spurious IRQ 7/15; they
		 * need no acknowledgement. */
	} else if (v != VEC_SPURIOUS) {
		bm_log("cpu %u: unexpected interrupt vector %u", plat_cpu_id(), v);
		lapic_eoi();
	}
}
