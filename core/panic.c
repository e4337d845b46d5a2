/* panic(): stop everything, say why and where, with a symbolized
 * backtrace, then power off with PANIC_EXIT_STATUS. */
#include <kern/atomic.h>
#include <kern/console.h>
#include <kern/ksym.h>
#include <kern/log.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/power.h>

#define PANIC_EXIT_STATUS 99
#define BACKTRACE_MAX 32

static volatile int panicking;

static void emergency_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void emergency_printf(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write_emergency(line, MIN((size_t)n, sizeof(line) - 1));
}

static void print_frame(unsigned depth, uintptr_t pc)
{
	uintptr_t off;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		emergency_printf("  #%-2u %p %s+%#lx\n", depth, (void *)pc, name, (unsigned long)off);
	else
		emergency_printf("  #%-2u %p ?\n", depth, (void *)pc);
}

void backtrace_print(uintptr_t pc, uintptr_t fp)
{
	unsigned depth = 0;

	emergency_printf("backtrace:\n");
	if (pc)
		print_frame(depth++, pc);
	/* Frame pointers: [fp] = caller's fp, [fp+8] = return address. Stop on
	 * anything implausible rather than fault inside panic. */
	while (fp && (fp & 7) == 0 && depth < BACKTRACE_MAX) {
		uintptr_t *frame = (uintptr_t *)fp;
		uintptr_t ret = frame[1], next = frame[0];
		if (!ret)
			break;
		print_frame(depth++, ret - 1);
		if (next <= fp || next - fp > (1UL << 20))
			break;
		fp = next;
	}
}

NORETURN void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	plat_irq_disable();
	if (atomic_exchange(&panicking, 1)) {
		/* A second CPU (or a recursive panic) just stops. */
		plat_cpu_halt_forever();
	}
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emergency_printf("\nKERNEL PANIC on cpu %u: %s\n", plat_cpu_id(), msg);
	backtrace_print(0, (uintptr_t)__builtin_frame_address(0));
	plat_poweroff(PANIC_EXIT_STATUS);
}

NORETURN void kernel_fatal_trap(const char *what, uintptr_t pc, uintptr_t fp)
{
	plat_irq_disable();
	emergency_printf("\nfatal trap: %s at %p\n", what, (void *)pc);
	backtrace_print(pc, fp);
	panic("fatal trap: %s", what);
}
