/* Internal state of the hosted platform (the kernel as a Linux process). */
#ifndef PLATFORM_HOSTED_H
#define PLATFORM_HOSTED_H
#include <kern/types.h>
#include <plat/cpu.h>
#include <pthread.h>

enum hosted_time_mode { HOSTED_TIME_REAL, HOSTED_TIME_VIRTUAL };

struct hosted_config {
	unsigned ncpus;
	uint64_t mem_bytes;
	enum hosted_time_mode time_mode;
	uint64_t seed;
	const char *cmdline;
	int console_in_fd, console_out_fd;
	char *const *argv;  /* for reboot (re-exec) */
	const char *initrd; /* boot module file, or NULL */
	bool kvm_off;       /* --kvm=off: offer no hardware virtualization */
};

/* One hosted CPU: a host thread plus the interrupt state it keeps. */
struct hcpu {
	unsigned id;
	bool is_cpu; /* false for the placeholder used by non-CPU threads */
	bool irq_enabled;
	bool halted; /* waiting in plat_wait_for_interrupt (machine lock) */
	pthread_t thread;
	pthread_cond_t wake;
	void *boot_stack; /* the stack the core gave plat_cpu_start */
	size_t boot_stack_size;
	unsigned relax_count;
	volatile int user_pid; /* stub running user code for this CPU, or 0 */
	void *current;         /* plat_cpu_current() */
};

extern struct hosted_config hosted_cfg;
extern struct hcpu hosted_cpus[PLAT_MAX_CPUS];
extern unsigned hosted_cpus_online;
extern pthread_mutex_t hosted_machine_lock;

struct hcpu *hosted_this_cpu(void);
void hosted_cpu_init(void);
void hosted_bind_cpu(unsigned id);
void hosted_time_init(void);
/* Virtual time only: move the clock forward to `t` if it is behind. */
void hosted_time_advance_to(ktime_t t);
/* The time without side effects (safe under the machine lock). */
ktime_t hosted_time_peek(void);
/* Cost, in virtual ns, of passing a delivery point. */
void hosted_time_tick(void);
void hosted_mem_init(uint64_t bytes);
/* The memfd behind the machine's RAM (physical address = file offset). */
extern int hosted_ram_fd;
uint64_t hosted_ram_size(void);
bool hosted_load_module(const char *path);
void hosted_irq_dispatch(unsigned line);
/* Virtual time passed `now`: wake halted CPUs whose timer expired. */
void hosted_wake_expired_halted(ktime_t now);
/* sim/'s interrupt controller calls this when `cpu` has something pending. */
void hosted_kick_cpu(void *ctx, unsigned cpu);

/* Parses argv into hosted_cfg; returns false (after printing usage) on bad
 * options. `cmdline_buf` receives the kernel command line. */
bool hosted_parse_args(int argc, char **argv, char *cmdline_buf, size_t size);
/* Boots the kernel on the calling thread; never returns (poweroff exits). */
NORETURN void hosted_boot(void);
/* For programs that embed the kernel: `fn` runs in the kernel's init
 * thread when booted with init=platform; its return value becomes the exit
 * status. */
void hosted_set_init_task(int (*fn)(void));
#endif
