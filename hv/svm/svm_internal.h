/* Private to hv/svm/: the backend's VM and vCPU objects and the pieces the
 * files share. */
#ifndef HV_SVM_INTERNAL_H
#define HV_SVM_INTERNAL_H
#include <hv/svm/svm.h>
#include <hv/svm/vmcb.h>
#include <hv/nested_pt.h>
#include <kern/spinlock.h>

#define SVM_EFER_SVME (1ull << 12)
#define SVM_PAGE      4096ull
#define SVM_LARGE     (2ull << 20)

struct svm_vm {
	struct hv_svm_caps caps;
	struct nested_pt npt;
	paddr_t iopm, msrpm;       /* shared by the VM's vCPUs */
};

/* An I/O string instruction (ins/outs): hv/ sees one element per exit; the
 * backend moves it between guest memory and the record, steps rsi/rdi/rcx
 * and re-enters the instruction until rcx runs out. */
struct svm_string_io {
	bool active;
	bool rep;
	uint8_t addr_size; /* 2, 4 or 8 */
	uint64_t linear;   /* of this element */
};

struct svm_vcpu {
	struct svm_vm *vm;
	unsigned id;
	uint32_t asid;
	paddr_t vmcb_pa;
	struct vmcb *vmcb;
	struct hv_svm_gprs gprs;
	uint8_t *fpu; /* FXSAVE image, 16-byte aligned, in `fpu_page` */
	paddr_t fpu_page;
	uint64_t apic_base;
	volatile int cpu;    /* the CPU in VMRUN, or -1 */
	volatile int kicked; /* end the current or next run */
	int last_cpu;        /* where the guest's TLB entries may live */
	uint64_t npt_gen;    /* nested tables the TLB on last_cpu reflects */
	/* The exit hv/ is handling, for completion on the next run. */
	enum hv_exit_reason last;
	uint8_t io_size;
	uint64_t next_rip;
	struct svm_string_io str;
	/* Events: an interrupted delivery to re-inject (exit_int_info), an
	 * interrupt hv/ acked that could not be injected yet. */
	uint64_t reinject;
	int pending_irq;
	/* NMIs: one hv/ handed over that waits; blocking from our injection
	 * until the guest's next IRET has run (the IRET intercept, then the
	 * first exit at another rip: the intercept comes before the IRET). */
	bool nmi_pending, nmi_blocked, iret_seen;
	uint64_t iret_rip;
	/* Counted for tests and logs. */
	uint64_t internal_exits;
};

/* asid.c: ASIDs 1 .. nasid-1; 0 when none is left. */
uint32_t svm_asid_alloc(uint32_t nasid);
void svm_asid_free(uint32_t asid);

/* npt.c */
int svm_npt_init(struct svm_vm *vm);
void svm_npt_destroy(struct svm_vm *vm);
int svm_npt_map(struct svm_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable);
int svm_npt_unmap(struct svm_vm *vm, uint64_t gpa, uint64_t size);
/* Host-physical address of `gpa`, 0 if unmapped (or read-only and `write`). */
paddr_t svm_npt_translate(struct svm_vm *vm, uint64_t gpa, bool write);

/* vmcb.c */
int svm_maps_init(struct svm_vm *vm);
void svm_maps_destroy(struct svm_vm *vm);
void svm_vmcb_init(struct svm_vcpu *v);
uint16_t svm_seg_attrib(const struct hv_segment *s);
void svm_seg_to_vmcb(struct vmcb_seg *out, const struct hv_segment *s);
void svm_seg_from_vmcb(struct hv_segment *out, const struct vmcb_seg *s);
void svm_get_regs(const struct svm_vcpu *v, struct hv_regs *r);
void svm_set_regs(struct svm_vcpu *v, const struct hv_regs *r);
void svm_get_sregs(const struct svm_vcpu *v, struct hv_sregs *s);
void svm_set_sregs(struct svm_vcpu *v, const struct hv_sregs *s);

/* exit.c */
/* What to do with a #VMEXIT: report it to hv/, or re-enter at once (the
 * backend handled it: #UD for SVM instructions, INVD...). */
enum svm_exit_action { SVM_EXIT_REPORT, SVM_EXIT_REENTER };
enum svm_exit_action svm_decode_exit(struct svm_vcpu *v, struct hv_exit *e);
/* Finishes the previous exit with hv/'s results (run->complete). */
void svm_complete(struct svm_vcpu *v, const struct hv_exit *e);
/* Guest memory through the guest's paging and the nested tables. */
int svm_guest_linear(struct svm_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write);

/* Event injection helpers (exit.c). */
void svm_inject_exception(struct svm_vcpu *v, unsigned vector, bool has_error, uint32_t error);
#endif
