/* vmctl: runs a virtual machine through /dev/hv and relays its console.
 *
 *   vmctl info
 *   vmctl run [--kernel K] [--initrd I] [--cmdline S] [--multiboot]
 *             [--disk D [--ro]]... [--mem SIZE] [--cpus N] [--simulated]
 *             [--timeout SEC]
 *
 * run creates the VM, loads the kernel, starts it and relays the terminal
 * (stdin in raw mode -> guest COM1 -> stdout) until the VM stops. Ctrl-]
 * then q stops the VM; Ctrl-] then z switches to MACROHARD's shell while
 * the guest keeps running (vmctl stops itself like ^Z does: `fg` switches
 * back, and the guest's output meanwhile waits in its console ring);
 * Ctrl-] twice sends one Ctrl-]. Exit status: the
 * guest's power-off code, 124 on --timeout, 1 for any other end (reset,
 * triple fault, error, stopped from the keyboard), 2 for usage errors. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <kern/abi/hv.h>

#define ESCAPE_KEY   0x1d /* Ctrl-] */
#define MAX_DISKS    8
#define EXIT_USAGE   2
#define EXIT_TIMEOUT 124

struct disk_opt {
	const char *path;
	int read_only;
};

struct run_opts {
	const char *kernel, *initrd, *cmdline;
	int multiboot, simulated;
	struct disk_opt disks[MAX_DISKS];
	int ndisks;
	unsigned long long mem;
	unsigned cpus;
	long timeout_sec; /* 0: none */
};

static void usage(void)
{
	fprintf(stderr, "usage: vmctl info\n"
	                "       vmctl run [--kernel K] [--initrd I] [--cmdline S] [--multiboot]\n"
	                "                 [--disk D [--ro]]... [--mem SIZE] [--cpus N] [--simulated]\n"
	                "                 [--timeout SEC]\n"
	                "In a run, Ctrl-] q stops the VM; Ctrl-] z switches to the shell while the\n"
	                "guest runs on (fg switches back); Ctrl-] Ctrl-] sends Ctrl-].\n");
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("vmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int open_hv(void)
{
	int fd = open(HV_DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", HV_DEV_PATH, strerror(errno));
	if (ioctl(fd, HV_IOC_VERSION, 0) != HV_ABI_VERSION)
		die("%s speaks a different ABI version", HV_DEV_PATH);
	return fd;
}

static int cmd_info(void)
{
	struct hv_ioc_info info;
	int fd = open_hv();

	if (ioctl(fd, HV_IOC_INFO, &info) < 0)
		die("HV_IOC_INFO: %s", strerror(errno));
	printf("abi version: %u\n", info.abi_version);
	printf("max cpus: %u\n", info.max_cpus);
	printf("capabilities:%s%s%s%s%s\n", info.caps & 1 ? " svm" : "", info.caps & 2 ? " vmx" : "",
	       info.caps & 4 ? " nested-paging" : "", info.caps & 8 ? " kvm" : "", info.caps ? "" : " none");
	if (info.hw_available)
		printf("hardware backend: %.*s\n", (int)sizeof(info.hw_backend), info.hw_backend);
	else
		printf("hardware backend: none (%.*s)\n", (int)sizeof(info.why), info.why);
	printf("simulated backend: available\n");
	close(fd);
	return 0;
}

/* "256M", "1G", "65536", "64K". */
static int parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || (v << shift) >> shift != v)
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mem = 256ull << 20;
	o->cpus = 1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--kernel") || !strcmp(a, "--initrd") || !strcmp(a, "--cmdline") ||
		            !strcmp(a, "--disk") || !strcmp(a, "--mem") || !strcmp(a, "--cpus") ||
		            !strcmp(a, "--timeout");

		if (takes && !v) {
			fprintf(stderr, "vmctl: %s needs a value\n", a);
			return -1;
		}
		if (!strcmp(a, "--kernel"))
			o->kernel = v;
		else if (!strcmp(a, "--initrd"))
			o->initrd = v;
		else if (!strcmp(a, "--cmdline"))
			o->cmdline = v;
		else if (!strcmp(a, "--disk")) {
			if (o->ndisks == MAX_DISKS) {
				fprintf(stderr, "vmctl: at most %d disks\n", MAX_DISKS);
				return -1;
			}
			o->disks[o->ndisks++].path = v;
		} else if (!strcmp(a, "--ro")) {
			if (!o->ndisks) {
				fprintf(stderr, "vmctl: --ro follows a --disk\n");
				return -1;
			}
			o->disks[o->ndisks - 1].read_only = 1;
		} else if (!strcmp(a, "--mem")) {
			if (parse_size(v, &o->mem)) {
				fprintf(stderr, "vmctl: bad size %s\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--cpus")) {
			char *end;
			unsigned long n = strtoul(v, &end, 10);
			if (*end || n == 0 || n > HV_MAX_CPUS) {
				fprintf(stderr, "vmctl: --cpus takes 1..%d\n", HV_MAX_CPUS);
				return -1;
			}
			o->cpus = (unsigned)n;
		} else if (!strcmp(a, "--timeout")) {
			char *end;
			o->timeout_sec = strtol(v, &end, 10);
			if (*end || o->timeout_sec <= 0) {
				fprintf(stderr, "vmctl: bad timeout %s\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--multiboot"))
			o->multiboot = 1;
		else if (!strcmp(a, "--simulated"))
			o->simulated = 1;
		else {
			fprintf(stderr, "vmctl: unknown option %s\n", a);
			return -1;
		}
		i += takes;
	}
	if (!o->kernel && !o->simulated) {
		fprintf(stderr, "vmctl: run needs --kernel (only a --simulated VM runs without one)\n");
		return -1;
	}
	if ((o->initrd || o->cmdline || o->multiboot) && !o->kernel) {
		fprintf(stderr, "vmctl: --initrd, --cmdline and --multiboot need --kernel\n");
		return -1;
	}
	return 0;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static void setup_vm(int vm, const struct run_opts *o)
{
	struct hv_ioc_create c = {
	    .ncpus = o->cpus, .flags = o->simulated ? HV_CREATE_SIMULATED : 0, .mem_size = o->mem};

	if (ioctl(vm, HV_IOC_CREATE, &c) < 0) {
		if (errno == ENODEV) {
			struct hv_ioc_info info;
			if (ioctl(vm, HV_IOC_INFO, &info) == 0)
				die("no hardware virtualization: %.*s (try --simulated)", (int)sizeof(info.why),
				    info.why);
		}
		die("creating the VM: %s", strerror(errno));
	}
	for (int i = 0; i < o->ndisks; i++) {
		struct hv_ioc_disk d = {.flags = o->disks[i].read_only ? HV_DISK_READ_ONLY : 0};
		d.fd = open_or_die(o->disks[i].path, o->disks[i].read_only ? O_RDONLY : O_RDWR);
		if (ioctl(vm, HV_IOC_ADD_DISK, &d) < 0)
			die("disk %s: %s", o->disks[i].path, strerror(errno));
		close(d.fd); /* the VM holds its own reference */
	}
	if (o->kernel) {
		struct hv_ioc_load l = {.kernel_fd = open_or_die(o->kernel, O_RDONLY), .initrd_fd = -1};
		if (o->initrd)
			l.initrd_fd = open_or_die(o->initrd, O_RDONLY);
		l.cmdline = (uint64_t)(uintptr_t)(o->cmdline ? o->cmdline : "");
		if (ioctl(vm, o->multiboot ? HV_IOC_LOAD_MULTIBOOT : HV_IOC_LOAD_LINUX, &l) < 0)
			die("loading %s: %s", o->kernel, strerror(errno));
		close(l.kernel_fd);
		if (l.initrd_fd >= 0)
			close(l.initrd_fd);
	}
}

static struct termios saved_tio;
static int tio_saved;

static void restore_terminal(void)
{
	if (tio_saved)
		tcsetattr(0, TCSAFLUSH, &saved_tio);
}

static void raw_terminal(void)
{
	struct termios t;

	if (!isatty(0))
		return;
	if (!tio_saved) {
		if (tcgetattr(0, &saved_tio))
			return;
		tio_saved = 1;
		atexit(restore_terminal);
	}
	t = saved_tio;
	cfmakeraw(&t);
	tcsetattr(0, TCSAFLUSH, &t);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum key_action { KEY_NONE, KEY_STOP, KEY_SWITCH };

/* Back to MACROHARD's shell with the terminal as it was; the VM's vCPUs are
 * kernel threads and run on while this process is stopped. */
static void switch_to_shell(void)
{
	restore_terminal();
	fputs("\r\nvmctl: the guest runs on; `fg` returns to its console\n", stderr);
	raise(SIGTSTP);
	/* Continued by fg. */
	raw_terminal();
}

/* Host keys -> guest, with the escape key handled here. */
static enum key_action relay_input(int vm, const char *buf, size_t n, int *escaped)
{
	enum key_action act = KEY_NONE;

	char out[256];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = buf[i];
		if (*escaped) {
			*escaped = 0;
			if (ch == 'q' || ch == 'Q') {
				act = KEY_STOP;
				break;
			}
			if (ch == 'z' || ch == 'Z') {
				act = KEY_SWITCH;
				break; /* what follows was typed for the shell */
			}
			if (ch != ESCAPE_KEY)
				continue; /* unknown command: dropped */
		} else if (ch == ESCAPE_KEY) {
			*escaped = 1;
			continue;
		}
		out[o++] = ch;
	}
	if (o && write_all(vm, out, o) && errno != EIO)
		die("console input: %s", strerror(errno));
	return act;
}

/* Relays until the VM's output ends (it stopped). Returns 0, or
 * EXIT_TIMEOUT when the timeout stopped it. */
static int relay(int vm, long timeout_sec)
{
	long long deadline = timeout_sec ? now_ms() + timeout_sec * 1000 : 0;
	struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = vm, .events = POLLIN}};
	int escaped = 0, timed_out = 0;
	char buf[4096];

	for (;;) {
		int wait = -1;
		if (deadline) {
			long long left = deadline - now_ms();
			if (left <= 0) {
				if (!timed_out && ioctl(vm, HV_IOC_STOP, 0) < 0)
					die("HV_IOC_STOP: %s", strerror(errno));
				timed_out = 1;
				deadline = 0;
				continue;
			}
			wait = left > 1000 ? 1000 : (int)left;
		}
		if (poll(p, 2, wait) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(vm, buf, sizeof(buf));
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				die("console output: %s", strerror(errno));
			if (n == 0)
				break; /* stopped and drained */
			if (n > 0 && write_all(1, buf, (size_t)n))
				die("stdout: %s", strerror(errno));
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR))
				p[0].fd = -1; /* end of input: keep relaying output */
			else if (n > 0) {
				enum key_action act = relay_input(vm, buf, (size_t)n, &escaped);

				if (act == KEY_STOP && ioctl(vm, HV_IOC_STOP, 0) < 0)
					die("HV_IOC_STOP: %s", strerror(errno));
				if (act == KEY_SWITCH)
					switch_to_shell();
			}
		}
	}
	return timed_out ? EXIT_TIMEOUT : 0;
}

static const char *reason_name(uint32_t r)
{
	static const char *const names[] = {"none",  "stopped on request", "powered off",
	                                    "reset", "triple fault",       "error"};
	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

static int report_stop(int vm, int timed_out)
{
	struct hv_ioc_state st;

	if (ioctl(vm, HV_IOC_GET_STATE, &st) < 0)
		die("HV_IOC_GET_STATE: %s", strerror(errno));
	restore_terminal();
	if (timed_out) {
		fprintf(stderr, "\nvmctl: timeout: the VM was stopped\n");
		return EXIT_TIMEOUT;
	}
	if (st.stop_reason == HV_REASON_POWEROFF) {
		fprintf(stderr, "vmctl: guest powered off (code %lld)\n", (long long)st.stop_code);
		return (int)(st.stop_code & 0xff);
	}
	fprintf(stderr, "\nvmctl: VM stopped: %s (code %lld, cpu %u, rip %#llx)%s%.*s\n", reason_name(st.stop_reason),
	        (long long)st.stop_code, st.stop_cpu, (unsigned long long)st.stop_rip, st.message[0] ? ": " : "",
	        (int)sizeof(st.message), st.message);
	return 1;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	int vm, status;

	if (parse_run(argc, argv, &o)) {
		usage();
		return EXIT_USAGE;
	}
	vm = open_hv();
	setup_vm(vm, &o);
	if (ioctl(vm, HV_IOC_START, 0) < 0)
		die("starting the VM: %s", strerror(errno));
	raw_terminal();
	status = relay(vm, o.timeout_sec);
	status = report_stop(vm, status == EXIT_TIMEOUT);
	close(vm); /* destroys the VM */
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return cmd_info();
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	usage();
	return EXIT_USAGE;
}
