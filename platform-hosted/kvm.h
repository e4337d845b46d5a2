/* The KVM backend of the hosted platform (kvm.c) and its probe (virt.c). */
#ifndef PLATFORM_HOSTED_KVM_H
#define PLATFORM_HOSTED_KVM_H
#include <hv/backend.h>
#include <stdbool.h>
#include <stddef.h>

/* The signal that ends a KVM_RUN (kick, or the hosted CPU's interrupt
 * poll); its handler does nothing. */
#define KVM_KICK_SIGNAL SIGUSR1

struct kvm_host {
	int fd;              /* /dev/kvm */
	size_t run_size;     /* KVM_GET_VCPU_MMAP_SIZE */
	bool user_msr;       /* KVM_CAP_X86_USER_SPACE_MSR */
	bool msr_filter;     /* KVM_CAP_X86_MSR_FILTER */
	bool readonly_mem;   /* KVM_CAP_READONLY_MEM */
	bool exit_hypercall; /* KVM_CAP_EXIT_HYPERCALL for KVM_HC_MAP_GPA_RANGE */
	uint64_t exit_ns;    /* measured round trip of one port I/O exit */
};

extern struct kvm_host kvm_host;
extern const struct hv_backend hv_backend_kvm;

/* Opens /dev/kvm and checks what the backend needs; fills kvm_host.
 * Returns NULL or a sentence saying why KVM is unusable. */
const char *kvm_host_open(void);
void kvm_install_kick_handler(void);
/* The measured exit round trip (0 when KVM is unusable). */
uint64_t hosted_kvm_exit_ns(void);
#endif
