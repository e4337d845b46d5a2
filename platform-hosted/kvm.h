/* The KVM backend of the hosted platform (kvm.c) and its probe (virt.c). */
#ifndef PLATFORM_HOSTED_KVM_H
#define PLATFORM_HOSTED_KVM_H
#include <hv/backend.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

#define KVM_MAX_SLOTS 512

struct kvm_run;

struct kvm_slot {
	uint64_t gpa, size;
	paddr_t hpa;
	bool used;
};

struct kvm_vm {
	int fd;
	pthread_mutex_t lock; /* slots */
	struct kvm_slot slot[KVM_MAX_SLOTS];
};

/* A string I/O exit (ins/outs) that KVM reported with count > 1: hv/ sees
 * one element at a time, the backend walks the data page. */
struct kvm_string_io {
	bool active;
	unsigned index, count;
};

struct kvm_vcpu {
	int fd;
	unsigned id;
	struct kvm_vm *vm;
	struct kvm_run *run;
	volatile pid_t tid; /* host thread inside KVM_RUN, or 0 */
	struct kvm_string_io str;
	int pending_inject; /* vector to inject at the next real entry, or -1 */
	bool pending_nmi;   /* an NMI for KVM_NMI at the next real entry */
	enum hv_exit_reason last;
};

extern struct kvm_host kvm_host;
extern const struct hv_backend hv_backend_kvm;

/* Opens /dev/kvm and checks what the backend needs; fills kvm_host.
 * Returns NULL or a sentence saying why KVM is unusable. */
const char *kvm_host_open(void);
void kvm_install_kick_handler(void);
/* Runs an instruction KVM's emulator gave up on (kvm_emul.c): today a
 * same-privilege iret, which paravirtual KVM (PVM) hands to the emulator
 * and the emulator only knows in real mode. Returns 0 when done (the vCPU
 * state is updated), -EOPNOTSUPP or -EFAULT otherwise. */
int kvm_emulate_failed_insn(struct kvm_vcpu *v);
/* The measured exit round trip (0 when KVM is unusable). */
uint64_t hosted_kvm_exit_ns(void);
#endif
