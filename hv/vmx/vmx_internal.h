/* Private to hv/vmx/: the backend's VM and vCPU objects and the pieces the
 * files share. The vCPU keeps a software copy of the guest state (the
 * VMCS can only be read on the CPU where it is current): it is read from
 * the VMCS after every exit and written back before an entry when hv/ or
 * the backend changed it. */
#ifndef HV_VMX_INTERNAL_H
#define HV_VMX_INTERNAL_H
#include <hv/vmx/vmcs.h>
#include <hv/vmx/vmx.h>
#include <hv/nested_pt.h>
#include <kern/spinlock.h>

#define VMX_PAGE      4096ull
#define VMX_LARGE     (2ull << 20)
#define VMX_NMSRS     5            /* STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE */
/* The longest stay in the guest, in TSC cycles (about 1 ms at 2 GHz):
 * the VMX-preemption timer ends it even when a host interrupt did not
 * (emulators that hold interrupts while the guest has IF clear: Bochs). */
#define VMX_PREEMPT_TSC (1u << 21)
/* hw_code of an entry the CPU refused with VMfail (the VM-instruction
 * error in the low bits) rather than with an entry-failure exit. */
#define VMX_HW_VMFAIL (1ull << 32)

struct vmx_msr_entry {
	uint32_t index, reserved;
	uint64_t value;
};

struct vmx_vm {
	struct hv_vmx_caps caps;
	struct hv_vmx_ctls ctls;
	struct nested_pt ept;
	uint64_t eptp;
	paddr_t io_bitmaps;        /* A (ports 0-0x7fff) then B */
	paddr_t msr_bitmap;
};

struct vmx_string_io {
	bool active;
	bool rep;
	uint8_t addr_size; /* 2, 4 or 8 */
	uint64_t linear;   /* of this element */
};

struct vmx_vcpu {
	struct vmx_vm *vm;
	unsigned id;
	uint16_t vpid; /* 0: none (every entry and exit flushes) */
	paddr_t vmcs_pa;
	paddr_t msr_page; /* guest MSR list (entry load, exit store), host list */
	struct vmx_msr_entry *guest_msrs, *host_msrs;
	struct hv_vmx_gprs gprs;
	uint8_t *fpu;
	paddr_t fpu_page;
	/* The guest state copy: sregs.cr0/cr4 are what the guest sees. */
	uint64_t rip, rsp, rflags;
	struct hv_sregs sregs;
	uint64_t pdpte[4];
	uint32_t interruptibility;
	bool dirty; /* the copy is newer than the VMCS */
	/* Where the VMCS is active (-1: cleared) and whether it was launched. */
	int loaded_cpu;
	bool launched, initialized, cleared;
	struct hv_vmx_host host; /* the host state the VMCS holds */
	bool host_valid;
	volatile int cpu;    /* the CPU in the guest, or -1 */
	volatile int kicked; /* end the current or next run */
	int last_cpu;        /* where the guest's TLB entries may live */
	uint64_t ept_gen;
	bool flush_vpid; /* guest paging changed from outside */
	/* The exit hv/ is handling, for completion on the next run. */
	enum hv_exit_reason last;
	uint8_t io_size;
	unsigned insn_len;
	struct vmx_string_io str;
	/* Events: the one for the next entry, a delivery the last exit
	 * interrupted, an interrupt hv/ acked that could not go yet. */
	uint32_t entry_info, entry_error, entry_len;
	uint32_t reinject_info, reinject_error, reinject_len;
	int pending_irq;
	bool window;      /* interrupt-window exiting for this entry */
	bool nmi_pending; /* an NMI hv/ handed over, held while NMIs are blocked */
	bool nmi_window;  /* NMI-window exiting for this entry */
	/* The exit's information fields, read on the CPU right after it. */
	struct {
		uint32_t reason, insn_len, insn_info, intr_info, intr_error, idt_info, idt_error;
		uint64_t qual, gpa;
	} xi;
	int64_t tsc_offset; /* guest TSC = host TSC + this (TSC offsetting) */
	uint64_t internal_exits;
	uint64_t preempt_exits;
};

/* cpu.c: VMX operation and the current VMCS of each CPU (interrupts off). */
int vmx_cpu_on(const struct hv_vmx_caps *c);
/* Counts VMs; the last one going takes every CPU out of VMX operation. */
void vmx_vms_get(void);
void vmx_vms_put(void);
int vmx_cpu_load(struct vmx_vcpu *v);    /* vmptrld here unless current */
void vmx_vcpu_evict(struct vmx_vcpu *v); /* vmclear where it is active */

/* ept.c */
int vmx_ept_init(struct vmx_vm *vm);
void vmx_ept_destroy(struct vmx_vm *vm);
int vmx_ept_map(struct vmx_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable);
int vmx_ept_unmap(struct vmx_vm *vm, uint64_t gpa, uint64_t size);
paddr_t vmx_ept_translate(struct vmx_vm *vm, uint64_t gpa, bool write);
/* Flushes this CPU's EPT-derived and VPID-tagged entries for the vCPU. */
void vmx_flush(struct vmx_vcpu *v, bool ept, bool vpid);

/* vmcs.c */
int vmx_maps_init(struct vmx_vm *vm);
void vmx_maps_destroy(struct vmx_vm *vm);
uint64_t vmx_read(uint32_t field);
void vmx_write(uint32_t field, uint64_t value);
uint32_t vmx_seg_ar(const struct hv_segment *s);
void vmx_seg_from_ar(struct hv_segment *out, uint32_t ar);
void vmx_vcpu_reset(struct vmx_vcpu *v);
void vmx_msr_lists_init(struct vmx_vcpu *v);
void vmx_vmcs_setup(struct vmx_vcpu *v); /* the fields that never change */
void vmx_host_update(struct vmx_vcpu *v);
void vmx_guest_write(struct vmx_vcpu *v);
void vmx_guest_read(struct vmx_vcpu *v);
uint64_t vmx_cr0_real(const struct vmx_vm *vm, uint64_t cr0);
uint64_t vmx_cr4_real(const struct vmx_vm *vm, uint64_t cr4);
/* Loads the PDPTEs of a PAE guest from its cr3 (through the EPT). */
void vmx_load_pdptes(struct vmx_vcpu *v);
void vmx_set_sregs(struct vmx_vcpu *v, const struct hv_sregs *s);

/* exit.c */
void vmx_exit_info_read(struct vmx_vcpu *v);
enum vmx_exit_action { VMX_EXIT_REPORT, VMX_EXIT_REENTER };
enum vmx_exit_action vmx_decode_exit(struct vmx_vcpu *v, struct hv_exit *e);
void vmx_complete(struct vmx_vcpu *v, const struct hv_exit *e);
void vmx_inject_exception(struct vmx_vcpu *v, unsigned vector, bool has_error, uint32_t error);
int vmx_guest_linear(struct vmx_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write);

/* vpid.c */
uint16_t vmx_vpid_alloc(void);
void vmx_vpid_free(uint16_t vpid);
#endif
