/* Boot flow, identical on every platform: the platform calls kernel_main()
 * on the boot CPU once it can print; everything from here is portable. */
#include <kern/atomic.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/ktest.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/monitor.h>
#include <kern/proc.h>
#include <kern/vfs.h>
#include <hv/ctl.h>
#include <plat/mem.h>
#include <plat/user.h>
#include <kern/sched.h>
#include <kern/timer.h>
#include <kern/string.h>
#include <kern/sync.h>
#include <kern/errno.h>
#include <plat/boot.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/power.h>
#include <plat/time.h>

#define AP_START_TIMEOUT_NS 2000000000ULL

static volatile unsigned cpus_up;

static void start_secondary_cpus(void)
{
	unsigned want = plat_cpu_count();
	uint64_t limit = cmdline_get_u64("maxcpus", want);

	if (limit < want)
		want = limit ? (unsigned)limit : 1;
	for (unsigned cpu = 1; cpu < want; cpu++) {
		void *stack = page_alloc_virt(THREAD_STACK_ORDER);
		size_t size = PAGE_SIZE << THREAD_STACK_ORDER;
		unsigned before = cpus_up;
		ktime_t deadline;
		int err;

		if (!stack)
			panic("smp: no memory for cpu %u's stack", cpu);
		err = plat_cpu_start(cpu, (char *)stack + size, size);
		if (err) {
			pr_err("smp: cpu %u did not start (error %d)", cpu, err);
			page_free_virt(stack, THREAD_STACK_ORDER);
			continue;
		}
		deadline = plat_time_ns() + AP_START_TIMEOUT_NS;
		while (atomic_load_acquire(&cpus_up) == before && plat_time_ns() < deadline)
			plat_cpu_relax();
		if (atomic_load_acquire(&cpus_up) == before)
			pr_err("smp: cpu %u started but never reached the scheduler", cpu);
	}
	pr_info("smp: %u of %u cpus online", atomic_load_acquire(&cpus_up), plat_cpu_count());
}

/* The first boot module is the initramfs: unpack it as the root file
 * system, then give its pages to the allocator. */
static void mount_root(void)
{
	struct plat_mem_region regions[64];
	unsigned n = plat_memmap(regions, 64);
	int err;

	vfs_init();
	hv_ctl_init(); /* /dev/hv */
	vfs_set_boot_epoch(plat_wallclock_at_boot_ns());
	for (unsigned i = 0; i < n; i++) {
		if (regions[i].type != PLAT_MEM_MODULE)
			continue;
		pr_info("initramfs: %lu KiB at %#lx", (unsigned long)(regions[i].size >> 10),
			(unsigned long)regions[i].base);
		err = rootfs_init(plat_phys_to_virt(regions[i].base), regions[i].size);
		if (err)
			pr_err("initramfs: unpacking failed (%d); the root file system is what was unpacked", err);
		page_alloc_release_range(regions[i].base, regions[i].size);
		return;
	}
	err = rootfs_init(NULL, 0);
	if (err)
		pr_err("rootfs: cannot create the root file system (%d)", err);
}

/* Runs the first user program (init=PATH, else /init or /sbin/init from
 * the initramfs). When it exits the machine powers off with its status, so
 * a script given as init= is a complete test run. Returns if there is no
 * program to run. */
static void run_init_process(const char *path)
{
	static const char *const candidates[] = {"/init", "/sbin/init"};
	const char *envp[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL};
	struct semaphore done;
	int status = 0, pid = -ENOENT;

	if (!plat_user_available()) {
		pr_warn("init: this platform cannot run user programs yet; starting the kernel monitor");
		return;
	}
	sem_init(&done, 0);
	if (path) {
		const char *argv[] = {path, NULL};
		pid = proc_spawn_init(path, argv, envp, &status, &done);
	}
	for (unsigned i = 0; !path && pid == -ENOENT && i < ARRAY_SIZE(candidates); i++) {
		const char *argv[] = {candidates[i], NULL};
		pid = proc_spawn_init(candidates[i], argv, envp, &status, &done);
	}
	if (pid < 0) {
		if (path || pid != -ENOENT)
			pr_err("init: cannot run %s (error %d); starting the kernel monitor", path ? path : "/init", pid);
		return;
	}
	sem_down(&done);
	if ((status & 0x7f) == 0) {
		pr_info("init exited with status %d; powering off", (status >> 8) & 0xff);
		plat_poweroff((status >> 8) & 0xff);
	}
	pr_err("init was killed by signal %d; powering off", status & 0x7f);
	plat_poweroff(128 + (status & 0x7f));
}

static void init_thread(void *unused)
{
	const char *filter = cmdline_get("ktest");

	const char *init = cmdline_get("init");

	console_enable_input();
	mount_root();
	if (init && strcmp(init, "platform") == 0) {
		int status = plat_init_task();
		if (status < 0)
			pr_err("init=platform: this platform has no init task");
		plat_poweroff(status < 0 ? 1 : status);
	}
	if (filter) {
		unsigned failed = ktest_run(*filter ? filter : "all");
		plat_poweroff(failed > 125 ? 125 : (int)failed);
	}
	if (!init || strcmp(init, "monitor") != 0)
		run_init_process(init);
	monitor_run();
	plat_poweroff(0);
}

NORETURN void kernel_main(const char *cmdline)
{
	cmdline_parse(cmdline);
	console_init();
	if (cmdline_has("quiet"))
		log_set_console_level(LOG_WARN);
	pr_info("MACROHARD starting on %u cpu(s); command line: %s", plat_cpu_count(), cmdline_raw());
	page_alloc_init();
	heap_init();
	sched_init();
	proc_init();
	timer_init_cpu(0);
	sched_init_cpu(0);
	atomic_store_release(&cpus_up, 1);
	start_secondary_cpus();
	if (!thread_create(init_thread, NULL, "init", SCHED_PRIO_DEFAULT, 0, true))
		panic("cannot create the init thread");
	plat_irq_enable();
	sched_idle_loop();
}

NORETURN void kernel_secondary_main(unsigned cpu)
{
	timer_init_cpu(cpu);
	sched_init_cpu(cpu);
	atomic_fetch_add(&cpus_up, 1);
	plat_irq_enable();
	sched_idle_loop();
}
