#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/ktest.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/monitor.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/power.h>
#include <plat/time.h>

#define LINE_MAX 256
#define MAX_ARGS 8

struct command {
	const char *name, *help;
	bool (*fn)(int argc, char **argv);
};

static bool cmd_help(int argc, char **argv);

static bool cmd_meminfo(int argc, char **argv)
{
	struct page_stats p;
	struct heap_stats h;

	page_stats(&p);
	heap_stats(&h);
	kprintf("pages: %zu total, %zu free (%zu KiB free)\n", p.total_pages, p.free_pages, p.free_pages * 4);
	kprintf("heap:  %zu live objects, %zu bytes, %zu slab pages, %zu large pages\n", h.live_objects,
		h.live_bytes, h.slab_pages, h.large_pages);
	return true;
}

static const char *state_name(int s)
{
	switch (s) {
	case THREAD_RUNNING: return "running";
	case THREAD_RUNNABLE: return "runnable";
	case THREAD_BLOCKED: return "blocked";
	case THREAD_DEAD: return "dead";
	}
	return "?";
}

static void print_thread(struct thread *t, void *arg)
{
	char aff[8] = "any";

	if (t->affinity != CPU_ANY)
		ksnprintf(aff, sizeof(aff), "%d", t->affinity);
	kprintf("%5d %-20s %-9s %4d %4u %4s %10lu %6lu\n", t->tid, t->name, state_name(t->state), t->prio, t->cpu, aff,
		(unsigned long)t->switches, (unsigned long)t->migrations);
}

static bool cmd_threads(int argc, char **argv)
{
	kprintf("  TID NAME                 STATE     PRIO  CPU  AFF   SWITCHES  MIGR\n");
	sched_for_each_thread(print_thread, NULL);
	return true;
}

static bool cmd_cpus(int argc, char **argv)
{
	for (unsigned c = 0; c < plat_cpu_count(); c++) {
		struct sched_cpu_stats st;
		sched_cpu_stats(c, &st);
		kprintf("cpu%u: current tid %d, %u runnable, %lu switches, idle %lu ms, %lu stolen\n", c,
			st.current_tid, st.nr_runnable, (unsigned long)st.switches,
			(unsigned long)(st.idle_ns / 1000000), (unsigned long)st.balanced_in);
	}
	return true;
}

static bool cmd_uptime(int argc, char **argv)
{
	ktime_t t = plat_time_ns();
	kprintf("up %lu.%03lu s\n", (unsigned long)(t / 1000000000), (unsigned long)(t % 1000000000 / 1000000));
	return true;
}

static bool cmd_log(int argc, char **argv)
{
	static char buf[65536 + 1];
	size_t n = log_read(buf, sizeof(buf));
	console_write(buf, n);
	return true;
}

static bool cmd_ktest(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "list") == 0)
		ktest_list();
	else
		ktest_run(argc > 1 ? argv[1] : "all");
	return true;
}

static bool cmd_cmdline(int argc, char **argv)
{
	kprintf("%s\n", cmdline_raw());
	return true;
}

static bool cmd_poweroff(int argc, char **argv)
{
	kprintf("powering off\n");
	plat_poweroff(0);
}

static bool cmd_reboot(int argc, char **argv)
{
	plat_reboot();
}

static const struct command commands[] = {
	{"help", "list commands", cmd_help},
	{"meminfo", "page allocator and heap usage", cmd_meminfo},
	{"threads", "list kernel threads", cmd_threads},
	{"cpus", "per-cpu scheduler state", cmd_cpus},
	{"uptime", "time since boot", cmd_uptime},
	{"log", "print the kernel log ring buffer", cmd_log},
	{"ktest", "ktest [all|NAME|PREFIX*|list]: run in-kernel self tests", cmd_ktest},
	{"cmdline", "print the kernel command line", cmd_cmdline},
	{"poweroff", "power the machine off", cmd_poweroff},
	{"reboot", "reset the machine", cmd_reboot},
};

static bool cmd_help(int argc, char **argv)
{
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
	return true;
}

bool monitor_exec(char *line)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	char *p = line;

	while (*p && argc < MAX_ARGS) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (argc == 0)
		return true;
	if (strcmp(argv[0], "exit") == 0)
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	kprintf("unknown command '%s' (try help)\n", argv[0]);
	return true;
}

/* Reads one line with echo and backspace; returns false if the line was
 * cut short by ^D on an empty line. */
static bool read_line(char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c = console_getc();
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			buf[n] = '\0';
			return true;
		}
		if (c == 0x04 && n == 0)
			return false;
		if ((c == 0x7f || c == 0x08)) {
			if (n > 0) {
				n--;
				console_write("\b \b", 3);
			}
			continue;
		}
		if (c == 0x15) { /* ^U: kill the line */
			while (n > 0) {
				n--;
				console_write("\b \b", 3);
			}
			continue;
		}
		if ((unsigned char)c < 0x20 || n + 1 >= size)
			continue;
		buf[n++] = c;
		console_write(&c, 1);
	}
}

void monitor_run(void)
{
	char line[LINE_MAX];

	kprintf("MACROHARD kernel monitor. Type 'help' for commands.\n");
	for (;;) {
		kprintf("mh> ");
		if (!read_line(line, sizeof(line)))
			break;
		if (!monitor_exec(line))
			break;
	}
}
