/* The AMD-V virtual machine control block (AMD64 APM vol. 2, chapter 15 and
 * appendix B): the control area at offset 0 and the state save area at
 * 0x400, exit codes, intercept bits and the formats of the exit
 * information fields. One 4 KiB page per vCPU, 4 KiB aligned. */
#ifndef HV_SVM_VMCB_H
#define HV_SVM_VMCB_H
#include <kern/types.h>

struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 40-47 and 52-55 packed into 12 bits */
	uint32_t limit;  /* byte granular (the hidden limit) */
	uint64_t base;
};

struct vmcb_control {
	uint32_t intercept_cr;        /* 0x000: reads in 0-15, writes in 16-31 */
	uint32_t intercept_dr;        /* 0x004 */
	uint32_t intercept_exception; /* 0x008: one bit per vector */
	uint32_t intercept_misc1;     /* 0x00c: VMCB_I1_* */
	uint32_t intercept_misc2;     /* 0x010: VMCB_I2_* */
	uint32_t intercept_misc3;     /* 0x014 */
	uint8_t reserved1[0x03c - 0x018];
	uint16_t pause_filter_threshold; /* 0x03c */
	uint16_t pause_filter_count;     /* 0x03e */
	uint64_t iopm_base_pa;           /* 0x040 */
	uint64_t msrpm_base_pa;          /* 0x048 */
	uint64_t tsc_offset;             /* 0x050 */
	uint32_t asid;                   /* 0x058 */
	uint8_t tlb_control;             /* 0x05c: VMCB_TLB_* */
	uint8_t reserved2[3];
	uint64_t int_ctl;       /* 0x060: VMCB_INT_* */
	uint64_t int_state;     /* 0x068: bit 0 interrupt shadow */
	uint64_t exit_code;     /* 0x070: VMEXIT_* */
	uint64_t exit_info1;    /* 0x078 */
	uint64_t exit_info2;    /* 0x080 */
	uint64_t exit_int_info; /* 0x088: an event whose delivery the exit interrupted (EVENTINJ format) */
	uint64_t np_enable;     /* 0x090: bit 0 nested paging */
	uint64_t avic_apic_bar; /* 0x098 */
	uint64_t ghcb_pa;       /* 0x0a0 */
	uint64_t event_inj;     /* 0x0a8: VMCB_EVT_* */
	uint64_t n_cr3;         /* 0x0b0: nested page table root */
	uint64_t lbr_virt;      /* 0x0b8 */
	uint32_t clean;         /* 0x0c0: VMCB clean bits (0: reload everything) */
	uint32_t reserved3;
	uint64_t next_rip; /* 0x0c8: with NRIPS only */
	uint8_t insn_len;  /* 0x0d0: with decode assists only */
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0x0e0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x000 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x060 */
	uint8_t reserved1[0x0cb - 0x0a0];
	uint8_t cpl; /* 0x0cb */
	uint32_t reserved2;
	uint64_t efer; /* 0x0d0 */
	uint8_t reserved3[0x148 - 0x0d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x148 */
	uint8_t reserved4[0x1d8 - 0x180];
	uint64_t rsp; /* 0x1d8 */
	uint64_t s_cet, ssp, isst_addr;
	uint64_t rax;                                        /* 0x1f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x200 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;    /* 0x228 */
	uint64_t cr2;                                        /* 0x240 */
	uint8_t reserved5[0x268 - 0x248];
	uint64_t g_pat;  /* 0x268: the guest's PAT with nested paging */
	uint64_t dbgctl; /* 0x270 */
	uint64_t br_from, br_to, last_excp_from, last_excp_to;
	uint8_t reserved6[0xc00 - 0x298];
};

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
};

_Static_assert(__builtin_offsetof(struct vmcb_control, iopm_base_pa) == 0x40, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, asid) == 0x58, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, int_ctl) == 0x60, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, exit_code) == 0x70, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, event_inj) == 0xa8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_control, next_rip) == 0xc8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, cpl) == 0xcb, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, efer) == 0xd0, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, cr4) == 0x148, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, rip) == 0x178, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, rsp) == 0x1d8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, rax) == 0x1f8, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, kernel_gs_base) == 0x220, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, cr2) == 0x240, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb_save, g_pat) == 0x268, "vmcb layout");
_Static_assert(__builtin_offsetof(struct vmcb, save) == 0x400, "vmcb layout");
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb layout");

/* intercept_misc1 */
#define VMCB_I1_INTR        (1u << 0)
#define VMCB_I1_NMI         (1u << 1)
#define VMCB_I1_SMI         (1u << 2)
#define VMCB_I1_INIT        (1u << 3)
#define VMCB_I1_VINTR       (1u << 4)
#define VMCB_I1_CR0_SEL     (1u << 5)
#define VMCB_I1_RDTSC       (1u << 14)
#define VMCB_I1_CPUID       (1u << 18)
#define VMCB_I1_RSM         (1u << 19)
#define VMCB_I1_IRET        (1u << 20)
#define VMCB_I1_INVD        (1u << 22)
#define VMCB_I1_PAUSE       (1u << 23)
#define VMCB_I1_HLT         (1u << 24)
#define VMCB_I1_INVLPG      (1u << 25)
#define VMCB_I1_INVLPGA     (1u << 26)
#define VMCB_I1_IOIO_PROT   (1u << 27)
#define VMCB_I1_MSR_PROT    (1u << 28)
#define VMCB_I1_TASK_SWITCH (1u << 29)
#define VMCB_I1_FERR_FREEZE (1u << 30)
#define VMCB_I1_SHUTDOWN    (1u << 31)
/* intercept_misc2 */
#define VMCB_I2_VMRUN   (1u << 0) /* VMRUN fails unless it is set */
#define VMCB_I2_VMMCALL (1u << 1)
#define VMCB_I2_VMLOAD  (1u << 2)
#define VMCB_I2_VMSAVE  (1u << 3)
#define VMCB_I2_STGI    (1u << 4)
#define VMCB_I2_CLGI    (1u << 5)
#define VMCB_I2_SKINIT  (1u << 6)
#define VMCB_I2_RDTSCP  (1u << 7)
#define VMCB_I2_ICEBP   (1u << 8)
#define VMCB_I2_WBINVD  (1u << 9)
#define VMCB_I2_MONITOR (1u << 10)
#define VMCB_I2_MWAIT   (1u << 11)
#define VMCB_I2_MWAIT_C (1u << 12)
#define VMCB_I2_XSETBV  (1u << 13)
#define VMCB_I2_RDPRU   (1u << 14)

/* tlb_control */
#define VMCB_TLB_NOTHING     0
#define VMCB_TLB_FLUSH_ALL   1 /* every ASID */
#define VMCB_TLB_FLUSH_GUEST 3 /* this ASID (FlushByAsid) */

/* int_ctl */
#define VMCB_INT_V_TPR_MASK     0xfull
#define VMCB_INT_V_IRQ          (1ull << 8)
#define VMCB_INT_V_PRIO_SHIFT   16
#define VMCB_INT_V_IGN_TPR      (1ull << 20)
#define VMCB_INT_V_INTR_MASKING (1ull << 24) /* host IF masks physical interrupts, guest IF virtual ones */
#define VMCB_INT_SHADOW         (1ull << 0)  /* int_state */

/* event_inj and exit_int_info */
#define VMCB_EVT_VECTOR_MASK 0xffull
#define VMCB_EVT_TYPE_SHIFT  8
#define VMCB_EVT_TYPE_INTR   (0ull << 8)
#define VMCB_EVT_TYPE_NMI    (2ull << 8)
#define VMCB_EVT_TYPE_EXC    (3ull << 8)
#define VMCB_EVT_TYPE_SOFT   (4ull << 8)
#define VMCB_EVT_TYPE_MASK   (7ull << 8)
#define VMCB_EVT_EV          (1ull << 11) /* error code valid */
#define VMCB_EVT_VALID       (1ull << 31)
#define VMCB_EVT_ERROR_SHIFT 32

/* exit_info1 of VMEXIT_IOIO */
#define VMCB_IO_IN         (1ull << 0)
#define VMCB_IO_STR        (1ull << 2)
#define VMCB_IO_REP        (1ull << 3)
#define VMCB_IO_SZ8        (1ull << 4)
#define VMCB_IO_SZ16       (1ull << 5)
#define VMCB_IO_SZ32       (1ull << 6)
#define VMCB_IO_A16        (1ull << 7)
#define VMCB_IO_A32        (1ull << 8)
#define VMCB_IO_A64        (1ull << 9)
#define VMCB_IO_PORT_SHIFT 16

/* exit_info1 of VMEXIT_NPF (a page-fault error code plus two bits) */
#define VMCB_NPF_P          (1ull << 0)
#define VMCB_NPF_WRITE      (1ull << 1)
#define VMCB_NPF_USER       (1ull << 2)
#define VMCB_NPF_RSVD       (1ull << 3)
#define VMCB_NPF_FETCH      (1ull << 4)
#define VMCB_NPF_FINAL      (1ull << 32) /* translating the final guest-physical address */
#define VMCB_NPF_GUEST_WALK (1ull << 33) /* translating a guest page-table access */

/* Segment attributes: descriptor bits 40-47 in 0-7, 52-55 in 8-11. */
#define VMCB_ATTR_S   (1u << 4)
#define VMCB_ATTR_P   (1u << 7)
#define VMCB_ATTR_AVL (1u << 8)
#define VMCB_ATTR_L   (1u << 9)
#define VMCB_ATTR_DB  (1u << 10)
#define VMCB_ATTR_G   (1u << 11)

/* Exit codes (exit_code). */
#define VMEXIT_CR0_READ    0x000 /* + n for CRn; writes at 0x010 + n */
#define VMEXIT_EXCP_BASE   0x040 /* + vector, through 0x05f */
#define VMEXIT_INTR        0x060
#define VMEXIT_NMI         0x061
#define VMEXIT_SMI         0x062
#define VMEXIT_INIT        0x063
#define VMEXIT_VINTR       0x064
#define VMEXIT_RDTSC       0x06e
#define VMEXIT_CPUID       0x072
#define VMEXIT_RSM         0x073
#define VMEXIT_IRET        0x074
#define VMEXIT_SWINT       0x075
#define VMEXIT_INVD        0x076
#define VMEXIT_PAUSE       0x077
#define VMEXIT_HLT         0x078
#define VMEXIT_INVLPG      0x079
#define VMEXIT_INVLPGA     0x07a
#define VMEXIT_IOIO        0x07b
#define VMEXIT_MSR         0x07c /* exit_info1: 0 rdmsr, 1 wrmsr */
#define VMEXIT_TASK_SWITCH 0x07d
#define VMEXIT_FERR_FREEZE 0x07e
#define VMEXIT_SHUTDOWN    0x07f
#define VMEXIT_VMRUN       0x080
#define VMEXIT_VMMCALL     0x081
#define VMEXIT_VMLOAD      0x082
#define VMEXIT_VMSAVE      0x083
#define VMEXIT_STGI        0x084
#define VMEXIT_CLGI        0x085
#define VMEXIT_SKINIT      0x086
#define VMEXIT_RDTSCP      0x087
#define VMEXIT_ICEBP       0x088
#define VMEXIT_WBINVD      0x089
#define VMEXIT_MONITOR     0x08a
#define VMEXIT_MWAIT       0x08b
#define VMEXIT_MWAIT_COND  0x08c
#define VMEXIT_XSETBV      0x08d
#define VMEXIT_RDPRU       0x08e
#define VMEXIT_NPF         0x400
#define VMEXIT_INVALID     ((uint64_t)-1) /* VMRUN refused the state */

/* Permission maps: every I/O port has a bit in the 12 KiB IOPM (the third
 * page covers accesses that run past port 0xffff); the 8 KiB MSRPM has a
 * read and a write bit for each MSR of three 8K-MSR ranges. MSRs outside
 * them always exit. */
#define VMCB_IOPM_SIZE  (12u << 10)
#define VMCB_MSRPM_SIZE (8u << 10)
#endif
