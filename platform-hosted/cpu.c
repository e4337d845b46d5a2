/* Hosted CPUs: each is a host thread. Interrupts are bits in sim/'s
 * interrupt controller, delivered only at delivery points: re-enabling
 * interrupts, plat_cpu_relax() and plat_wait_for_interrupt(). */
#include "hosted.h"

#include <hv/dev/irqchip.h>
#include <plat/context.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/time.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../sim/sim.h"

#define RELAX_YIELD_EVERY 64

struct hcpu hosted_cpus[PLAT_MAX_CPUS];
unsigned hosted_cpus_online;
pthread_mutex_t hosted_machine_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned cpus_halted;
static __thread struct hcpu *this_cpu;
static __thread struct hcpu outside_cpu; /* threads that are not CPUs */

/* Never inlined: a kernel thread may resume on another host thread, so the
 * thread-local must be read afresh on every call. */
__attribute__((noinline)) struct hcpu *hosted_this_cpu(void)
{
	struct hcpu *c = this_cpu;
	return c ? c : &outside_cpu;
}

void hosted_cpu_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (unsigned i = 0; i < PLAT_MAX_CPUS; i++) {
		hosted_cpus[i].id = i;
		hosted_cpus[i].is_cpu = true;
		pthread_cond_init(&hosted_cpus[i].wake, &attr);
	}
	pthread_condattr_destroy(&attr);
}

void hosted_bind_cpu(unsigned id)
{
	this_cpu = &hosted_cpus[id];
	this_cpu->thread = pthread_self();
	this_cpu->irq_enabled = false;
}

unsigned plat_cpu_id(void)
{
	return hosted_this_cpu()->id;
}

unsigned plat_cpu_count(void)
{
	return hosted_cfg.ncpus;
}

/* A kernel thread changes host threads only at delivery points, never
 * between the two loads here. Threads that are not CPUs see CPU 0's (what
 * plat_cpu_id() tells them). */
void *plat_cpu_current(void)
{
	return hosted_cpus[hosted_this_cpu()->id].current;
}

void plat_cpu_set_current(void *thread)
{
	hosted_cpus[hosted_this_cpu()->id].current = thread;
}

/* Runs every pending interrupt handler, then lets the core preempt. Called
 * with interrupts disabled; returns with them enabled. */
static void deliver_and_enable(void)
{
	struct hcpu *c = hosted_this_cpu();
	struct irqchip *chip = sim_irqchip();

	while (c->is_cpu) {
		uint64_t bits = irqchip_take_pending(chip, c->id, plat_time_ns());
		if (!bits)
			break;
		if (bits & IRQCHIP_BIT_TIMER)
			kernel_timer_interrupt();
		if (bits & IRQCHIP_BIT_IPI)
			kernel_ipi_interrupt();
		for (unsigned line = 0; line < IRQCHIP_LINES; line++) {
			if (bits & IRQCHIP_BIT_LINE(line)) {
				hosted_irq_dispatch(line);
				irqchip_eoi(chip, line);
			}
		}
		kernel_interrupt_exit(); /* may switch threads, even host threads */
		c = hosted_this_cpu();
	}
	c->irq_enabled = true;
}

static bool pending_here(struct hcpu *c)
{
	return c->is_cpu && irqchip_has_pending(sim_irqchip(), c->id, hosted_time_peek());
}

irqflags_t plat_irq_save(void)
{
	struct hcpu *c = hosted_this_cpu();
	irqflags_t old = c->irq_enabled;
	c->irq_enabled = false;
	return old;
}

void plat_irq_restore(irqflags_t flags)
{
	if (flags)
		plat_irq_enable();
	else
		hosted_this_cpu()->irq_enabled = false;
}

void plat_irq_enable(void)
{
	struct hcpu *c = hosted_this_cpu();

	hosted_time_tick();
	c->irq_enabled = false;
	if (pending_here(c))
		deliver_and_enable();
	else
		c->irq_enabled = true;
}

void plat_irq_disable(void)
{
	hosted_this_cpu()->irq_enabled = false;
}

bool plat_irq_enabled(void)
{
	return hosted_this_cpu()->irq_enabled;
}

void plat_cpu_relax(void)
{
	struct hcpu *c = hosted_this_cpu();

	hosted_time_tick();
	__builtin_ia32_pause();
	/* More hosted CPUs than host cores: let the lock holder run. */
	if (++c->relax_count % RELAX_YIELD_EVERY == 0)
		sched_yield();
	if (c->irq_enabled && pending_here(c)) {
		c->irq_enabled = false;
		deliver_and_enable();
	}
}

static ktime_t earliest_deadline(void)
{
	ktime_t best = 0;
	for (unsigned i = 0; i < hosted_cpus_online; i++) {
		ktime_t d = irqchip_deadline(sim_irqchip(), i);
		if (d && (!best || d < best))
			best = d;
	}
	return best;
}

/* A CPU that was kicked but has not woken yet still counts as halted; time
 * must not jump past work it is about to do. */
static bool any_cpu_pending(void)
{
	for (unsigned i = 0; i < hosted_cpus_online; i++)
		if (pending_here(&hosted_cpus[i]))
			return true;
	return false;
}

/* Machine lock held. */
static void wake_pending_halted(void)
{
	for (unsigned i = 0; i < hosted_cpus_online; i++)
		if (hosted_cpus[i].halted && pending_here(&hosted_cpus[i]))
			pthread_cond_signal(&hosted_cpus[i].wake);
}

/* Virtual time moves while some CPUs run; the earliest deadline of a halted
 * CPU is published so the running ones notice when they pass it. */
static volatile ktime_t halted_deadline;

static void update_halted_deadline(void)
{
	ktime_t best = 0;
	for (unsigned i = 0; i < hosted_cpus_online; i++) {
		ktime_t d = irqchip_deadline(sim_irqchip(), i);
		if (hosted_cpus[i].halted && d && (!best || d < best))
			best = d;
	}
	__atomic_store_n(&halted_deadline, best, __ATOMIC_RELEASE);
}

void hosted_wake_expired_halted(ktime_t now)
{
	ktime_t d = __atomic_load_n(&halted_deadline, __ATOMIC_ACQUIRE);

	if (!d || now < d)
		return;
	pthread_mutex_lock(&hosted_machine_lock);
	wake_pending_halted();
	__atomic_store_n(&halted_deadline, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&hosted_machine_lock);
}

static NORETURN void machine_stuck(void)
{
	pthread_mutex_unlock(&hosted_machine_lock);
	fprintf(stderr, "\nhosted: every CPU is idle with no timer armed and no input possible; "
	                "powering off\n");
	fflush(stdout);
	sim_shutdown();
	_exit(0);
}

/* Machine lock held. In virtual time, the last CPU to go idle moves the
 * clock to the next deadline; in real time it just sleeps until then. */
static void wait_locked(struct hcpu *c)
{
	c->halted = true;
	cpus_halted++;
	if (cpus_halted == hosted_cpus_online && any_cpu_pending()) {
		wake_pending_halted();
	} else if (cpus_halted == hosted_cpus_online) {
		ktime_t d = earliest_deadline();
		if (!d && !sim_input_possible())
			machine_stuck();
		if (d && hosted_cfg.time_mode == HOSTED_TIME_VIRTUAL) {
			hosted_time_advance_to(d);
			wake_pending_halted();
		}
	}
	update_halted_deadline();
	if (!pending_here(c)) {
		ktime_t d = irqchip_deadline(sim_irqchip(), c->id);
		if (hosted_cfg.time_mode == HOSTED_TIME_REAL && d) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ktime_t now = hosted_time_peek();
			uint64_t abs =
			    (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + (d > now ? d - now : 0);
			ts.tv_sec = (time_t)(abs / 1000000000ull);
			ts.tv_nsec = (long)(abs % 1000000000ull);
			pthread_cond_timedwait(&c->wake, &hosted_machine_lock, &ts);
		} else {
			pthread_cond_wait(&c->wake, &hosted_machine_lock);
		}
	}
	cpus_halted--;
	c->halted = false;
	update_halted_deadline();
}

void plat_wait_for_interrupt(void)
{
	struct hcpu *c = hosted_this_cpu();

	c->irq_enabled = false;
	hosted_time_tick();
	pthread_mutex_lock(&hosted_machine_lock);
	while (!pending_here(c))
		wait_locked(c);
	pthread_mutex_unlock(&hosted_machine_lock);
	deliver_and_enable();
}

/* irqchip back end: something is pending for `cpu`. */
void hosted_kick_cpu(void *ctx, unsigned cpu)
{
	int user_pid;

	pthread_mutex_lock(&hosted_machine_lock);
	if (hosted_cpus[cpu].halted)
		pthread_cond_signal(&hosted_cpus[cpu].wake);
	pthread_mutex_unlock(&hosted_machine_lock);
	/* A CPU in user mode is interrupted by stopping its stub. */
	user_pid = __atomic_load_n(&hosted_cpus[cpu].user_pid, __ATOMIC_ACQUIRE);
	if (user_pid)
		kill(user_pid, SIGUSR2);
}

void plat_ipi_send(unsigned cpu)
{
	irqchip_send_ipi(sim_irqchip(), cpu);
}

NORETURN void plat_cpu_halt_forever(void)
{
	for (;;)
		pause();
}

static void secondary_on_kernel_stack(void *arg)
{
	kernel_secondary_main((unsigned)(uintptr_t)arg);
}

static void *secondary_thread(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;
	struct hcpu *c = &hosted_cpus[cpu];
	struct plat_context host_stack, kernel_stack;

	hosted_bind_cpu(cpu);
	/* Move onto the stack the core provided, as a real AP would. */
	plat_context_init_current(&host_stack);
	plat_context_init(&kernel_stack, c->boot_stack, c->boot_stack_size, secondary_on_kernel_stack,
	                  (void *)(uintptr_t)cpu);
	plat_context_switch(&host_stack, &kernel_stack);
	abort(); /* kernel_secondary_main never returns */
}

int plat_cpu_start(unsigned cpu, void *stack_top, size_t stack_size)
{
	struct hcpu *c;
	pthread_t t;

	if (cpu == 0 || cpu >= hosted_cfg.ncpus)
		return -22; /* EINVAL */
	c = &hosted_cpus[cpu];
	c->boot_stack = (char *)stack_top - stack_size;
	c->boot_stack_size = stack_size;
	pthread_mutex_lock(&hosted_machine_lock);
	if (cpu >= hosted_cpus_online)
		hosted_cpus_online = cpu + 1;
	pthread_mutex_unlock(&hosted_machine_lock);
	if (pthread_create(&t, NULL, secondary_thread, (void *)(uintptr_t)cpu) != 0) {
		pthread_mutex_lock(&hosted_machine_lock);
		hosted_cpus_online = cpu;
		pthread_mutex_unlock(&hosted_machine_lock);
		return -11; /* EAGAIN */
	}
	pthread_detach(t);
	return 0;
}
