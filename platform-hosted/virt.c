/* Hardware virtualization on the hosted platform: /dev/kvm, probed once.
 * The probe checks the API version and the capabilities the backend needs,
 * then measures what one exit costs with a tiny real-mode guest (`out` in a
 * loop): on a nested or paravirtual KVM an exit can cost far more than on
 * hardware, and people reading test times should know. */
#include <errno.h>
#include <fcntl.h>
#include <kern/log.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <plat/virt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"
#include "kvm.h"

#define PROBE_EXITS    100
#define PROBE_CODE_GPA 0x1000
#define TOO_SLOW_NS    2000000ull /* an exit slower than this makes guests useless */

struct kvm_host kvm_host = {.fd = -1};
static const char *kvm_why;
static char why_buf[160];
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void kick_handler(int sig)
{
	(void)sig; /* only there to make KVM_RUN return EINTR */
}

void kvm_install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART; /* other system calls of the thread carry on */
	sigemptyset(&sa.sa_mask);
	sigaction(KVM_KICK_SIGNAL, &sa, NULL);
}

static int check(int cap)
{
	int r = ioctl(kvm_host.fd, KVM_CHECK_EXTENSION, cap);
	return r < 0 ? 0 : r;
}

const char *kvm_host_open(void)
{
	int api, run_size;

	kvm_host.fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_host.fd < 0) {
		snprintf(why_buf, sizeof(why_buf), "cannot open /dev/kvm (%s)", strerror(errno));
		return why_buf;
	}
	api = ioctl(kvm_host.fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		snprintf(why_buf, sizeof(why_buf), "/dev/kvm is not KVM (KVM_GET_API_VERSION: %s)", strerror(errno));
		return why_buf;
	}
	if (api != KVM_API_VERSION) {
		snprintf(why_buf, sizeof(why_buf), "/dev/kvm speaks API version %d, not %d", api, KVM_API_VERSION);
		return why_buf;
	}
	static const struct {
		int cap;
		const char *name;
	} need[] = {
	    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
	    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
	    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
	    {KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS"},
	    {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
	};
	for (unsigned i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!check(need[i].cap)) {
			snprintf(why_buf, sizeof(why_buf), "/dev/kvm lacks %s", need[i].name);
			return why_buf;
		}
	}
	run_size = ioctl(kvm_host.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0) {
		snprintf(why_buf, sizeof(why_buf), "KVM_GET_VCPU_MMAP_SIZE failed (%s)", strerror(errno));
		return why_buf;
	}
	kvm_host.run_size = (size_t)run_size;
	kvm_host.user_msr = check(KVM_CAP_X86_USER_SPACE_MSR);
	kvm_host.msr_filter = check(KVM_CAP_X86_MSR_FILTER);
	kvm_host.readonly_mem = check(KVM_CAP_READONLY_MEM);
	kvm_host.exit_hypercall = check(KVM_CAP_EXIT_HYPERCALL) & (1 << KVM_HC_MAP_GPA_RANGE);
	return NULL;
}

/* Runs `out %al, $0x80` PROBE_EXITS times in a real-mode VM of one page
 * and returns the average round trip in ns, or 0 with why_buf set. */
static uint64_t measure_exit_ns(void)
{
	static const uint8_t code[] = {0xe6, 0x80, 0xeb, 0xfc}; /* 1: out %al,$0x80; jmp 1b */
	int vm = -1, vcpu = -1;
	uint8_t *mem = MAP_FAILED;
	struct kvm_run *run = MAP_FAILED;
	uint64_t result = 0;
	const char *step = "KVM_CREATE_VM";

	vm = ioctl(kvm_host.fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		goto out;
	step = "guest memory";
	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto out;
	memcpy(mem + PROBE_CODE_GPA, code, sizeof(code));
	struct kvm_userspace_memory_region r = {.slot = 0, .memory_size = 0x2000, .userspace_addr = (uintptr_t)mem};
	step = "KVM_SET_USER_MEMORY_REGION";
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		goto out;
	step = "KVM_CREATE_VCPU";
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		goto out;
	run = mmap(NULL, kvm_host.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		goto out;
	struct kvm_sregs s;
	struct kvm_regs g = {.rip = PROBE_CODE_GPA, .rflags = 2};
	step = "setting the vCPU state";
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		goto out;
	s.cs.base = 0, s.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(vcpu, KVM_SET_REGS, &g) < 0)
		goto out;
	step = "KVM_RUN";
	uint64_t t0 = host_ns(); /* the host's clock: virtual time stands still here */
	for (unsigned i = 0; i < PROBE_EXITS; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			goto out;
		if (run->exit_reason != KVM_EXIT_IO && run->exit_reason != KVM_EXIT_INTR) {
			snprintf(why_buf, sizeof(why_buf), "the probe guest exited with KVM exit reason %u, not I/O",
			         run->exit_reason);
			step = NULL;
			goto out;
		}
	}
	result = (host_ns() - t0) / PROBE_EXITS;
	if (!result)
		result = 1;
	step = NULL;
out:
	if (step)
		snprintf(why_buf, sizeof(why_buf), "KVM probe failed at %s (%s)", step, strerror(errno));
	if (run != MAP_FAILED)
		munmap(run, kvm_host.run_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, 0x2000);
	return result;
}

static void probe(void)
{
	if (hosted_cfg.kvm_off) {
		kvm_why = "turned off with --kvm=off";
		return;
	}
	kvm_why = kvm_host_open();
	if (kvm_why)
		goto fail;
	kvm_install_kick_handler();
	kvm_host.exit_ns = measure_exit_ns();
	if (!kvm_host.exit_ns) {
		kvm_why = why_buf;
		goto fail;
	}
	if (kvm_host.exit_ns > TOO_SLOW_NS) {
		snprintf(why_buf, sizeof(why_buf), "KVM is too slow: one exit takes %llu us",
		         (unsigned long long)kvm_host.exit_ns / 1000);
		kvm_why = why_buf;
		goto fail;
	}
	pr_info("hv: KVM backend usable, one I/O exit round trip takes %llu.%llu us%s%s\n",
	        (unsigned long long)kvm_host.exit_ns / 1000, (unsigned long long)kvm_host.exit_ns % 1000 / 100,
	        kvm_host.user_msr ? ", user-space MSRs" : "", kvm_host.msr_filter ? " with filter" : "");
	return;
fail:
	if (kvm_host.fd >= 0)
		close(kvm_host.fd);
	kvm_host.fd = -1;
	pr_info("hv: no KVM backend: %s\n", kvm_why);
}

unsigned plat_virt_caps(void)
{
	pthread_once(&probe_once, probe);
	return kvm_why ? 0 : PLAT_VIRT_KVM | PLAT_VIRT_NESTED_PAGING;
}

const struct hv_backend *plat_virt_backend(const char **why)
{
	pthread_once(&probe_once, probe);
	if (kvm_why) {
		if (why)
			*why = kvm_why;
		return NULL;
	}
	return &hv_backend_kvm;
}

uint64_t hosted_kvm_exit_ns(void)
{
	pthread_once(&probe_once, probe);
	return kvm_host.exit_ns;
}
