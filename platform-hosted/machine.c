/* The hosted machine: options, memory, CPUs, boot and power. */
#include "hosted.h"

#include <errno.h>
#include <getopt.h>
#include <plat/boot.h>
#include <plat/entry.h>
#include <plat/power.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/sim.h"

struct hosted_config hosted_cfg = {
    .ncpus = 1,
    .mem_bytes = 128ULL << 20,
    .time_mode = HOSTED_TIME_REAL,
    .seed = 1,
    .console_in_fd = 0,
    .console_out_fd = 1,
};

static int (*embedded_init)(void);

static const struct irqchip_backend kick_backend = {.kick = hosted_kick_cpu};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [options] [--] [kernel command line...]\n"
	        "  --cpus N           number of CPUs (host threads), 1..%d (default 1)\n"
	        "  --mem SIZE         RAM size, e.g. 128M, 1G (default 128M)\n"
	        "  --time=real|virtual  real: host clock; virtual: deterministic (default real)\n"
	        "  --seed N           seed for the kernel's random streams (default 1)\n"
	        "  --initrd FILE      a cpio (newc) archive unpacked as the root file system\n"
	        "  --strace           trace every system call (the kernel's strace option)\n"
	        "  --kvm=on|off       off: no /dev/kvm backend for guests (default on); guests on\n"
	        "                     KVM run in host time, so virtual-time runs that must be\n"
	        "                     repeatable turn it off\n"
	        "  -h, --help         this text\n"
	        "Kernel options go after the options, e.g.: %s --cpus 4 ktest=all\n",
	        prog, PLAT_MAX_CPUS, prog);
}

static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end)
		return false;
	*out = v;
	return true;
}

bool hosted_parse_args(int argc, char **argv, char *cmdline, size_t size)
{
	static const struct option opts[] = {
	    {"cpus", required_argument, NULL, 'c'},
	    {"mem", required_argument, NULL, 'm'},
	    {"time", required_argument, NULL, 't'},
	    {"seed", required_argument, NULL, 's'},
	    {"initrd", required_argument, NULL, 'i'},
	    {"strace", no_argument, NULL, 'S'},
	    {"kvm", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int o;
	size_t len = 0;
	bool strace = false;

	hosted_cfg.argv = argv;
	optind = 1;
	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			if (!parse_size(optarg, &v) || v < 1 || v > PLAT_MAX_CPUS) {
				fprintf(stderr, "%s: --cpus must be 1..%d, not '%s'\n", argv[0], PLAT_MAX_CPUS, optarg);
				return false;
			}
			hosted_cfg.ncpus = (unsigned)v;
			break;
		case 'm':
			if (!parse_size(optarg, &v) || v < (4ULL << 20) || v > (64ULL << 30)) {
				fprintf(stderr, "%s: --mem must be 4M..64G, not '%s'\n", argv[0], optarg);
				return false;
			}
			hosted_cfg.mem_bytes = v & ~4095ULL;
			break;
		case 't':
			if (strcmp(optarg, "real") == 0)
				hosted_cfg.time_mode = HOSTED_TIME_REAL;
			else if (strcmp(optarg, "virtual") == 0)
				hosted_cfg.time_mode = HOSTED_TIME_VIRTUAL;
			else {
				fprintf(stderr, "%s: --time must be real or virtual, not '%s'\n", argv[0], optarg);
				return false;
			}
			break;
		case 's':
			if (!parse_size(optarg, &v)) {
				fprintf(stderr, "%s: --seed must be a number, not '%s'\n", argv[0], optarg);
				return false;
			}
			hosted_cfg.seed = v;
			break;
		case 'i': hosted_cfg.initrd = optarg; break;
		case 'S': strace = true; break;
		case 'k':
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "%s: --kvm must be on or off, not '%s'\n", argv[0], optarg);
				return false;
			}
			hosted_cfg.kvm_off = strcmp(optarg, "off") == 0;
			break;
		case 'h': usage(stdout, argv[0]); exit(0);
		default: usage(stderr, argv[0]); return false;
		}
	}
	cmdline[0] = '\0';
	for (int i = optind; i < argc; i++) {
		int n = snprintf(cmdline + len, size - len, "%s%s", len ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= size - len) {
			fprintf(stderr, "%s: kernel command line too long\n", argv[0]);
			return false;
		}
		len += (size_t)n;
	}
	/* Tracing is the kernel's own switch (strace on its command line). */
	if (strace) {
		int n = snprintf(cmdline + len, size - len, "%sstrace", len ? " " : "");
		if (n < 0 || (size_t)n >= size - len)
			return false;
		len += (size_t)n;
	}
	/* The seed travels on the kernel command line, where the core reads it. */
	if (!strstr(cmdline, "seed=")) {
		int n = snprintf(cmdline + len, size - len, "%sseed=%llu", len ? " " : "",
		                 (unsigned long long)hosted_cfg.seed);
		if (n < 0 || (size_t)n >= size - len)
			return false;
	}
	hosted_cfg.cmdline = cmdline;
	return true;
}

NORETURN void hosted_boot(void)
{
	struct sim_config sim = {
	    .ncpus = hosted_cfg.ncpus,
	    .irq_backend = &kick_backend,
	    .irq_ctx = NULL,
	    .console_in_fd = hosted_cfg.console_in_fd,
	    .console_out_fd = hosted_cfg.console_out_fd,
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	hosted_cpu_init();
	hosted_time_init();
	hosted_mem_init(hosted_cfg.mem_bytes);
	if (hosted_cfg.initrd && !hosted_load_module(hosted_cfg.initrd))
		exit(2);
	sim_init(&sim);
	hosted_cpus_online = 1;
	hosted_bind_cpu(0);
	kernel_main(hosted_cfg.cmdline);
}

void hosted_set_init_task(int (*fn)(void))
{
	embedded_init = fn;
}

int plat_init_task(void)
{
	return embedded_init ? embedded_init() : -1;
}

NORETURN void plat_poweroff(int status)
{
	sim_shutdown();
	_exit(status);
}

NORETURN void plat_reboot(void)
{
	/* A reset of a process-machine is a fresh process with the same options. */
	sim_shutdown();
	if (hosted_cfg.argv)
		execv("/proc/self/exe", hosted_cfg.argv);
	perror("hosted: reboot by re-exec failed");
	_exit(1);
}
