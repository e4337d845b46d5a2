/* Intel VT-x architectural constants (SDM vol. 3C, appendices A-C and
 * chapters 24-28): VMCS field encodings, basic exit reasons, the bits of
 * every control field, the capability MSRs, EPT entries and the exit
 * qualification / interruption-information formats. No logic here. */
#ifndef HV_VMX_VMCS_H
#define HV_VMX_VMCS_H

/* ---- capability MSRs ---- */
#define MSR_IA32_FEAT_CTL            0x03au
#define MSR_IA32_VMX_BASIC           0x480u
#define MSR_IA32_VMX_PINBASED_CTLS   0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS  0x482u
#define MSR_IA32_VMX_EXIT_CTLS       0x483u
#define MSR_IA32_VMX_ENTRY_CTLS      0x484u
#define MSR_IA32_VMX_MISC            0x485u
#define MSR_IA32_VMX_CR0_FIXED0      0x486u
#define MSR_IA32_VMX_CR0_FIXED1      0x487u
#define MSR_IA32_VMX_CR4_FIXED0      0x488u
#define MSR_IA32_VMX_CR4_FIXED1      0x489u
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48bu
#define MSR_IA32_VMX_EPT_VPID_CAP    0x48cu
#define MSR_IA32_VMX_TRUE_PINBASED   0x48du
#define MSR_IA32_VMX_TRUE_PROCBASED  0x48eu
#define MSR_IA32_VMX_TRUE_EXIT       0x48fu
#define MSR_IA32_VMX_TRUE_ENTRY      0x490u

#define FEATURE_CONTROL_LOCK       (1ull << 0)
#define FEATURE_CONTROL_VMX_IN_SMX (1ull << 1)
#define FEATURE_CONTROL_VMX        (1ull << 2)

#define VMX_BASIC_REVISION(b) ((uint32_t)(b)&0x7fffffffu)
#define VMX_BASIC_SIZE(b)     ((unsigned)((b) >> 32) & 0x1fff)
#define VMX_BASIC_ADDR32      (1ull << 48)
#define VMX_BASIC_MEMTYPE(b)  ((unsigned)((b) >> 50) & 0xf)
#define VMX_BASIC_INOUT       (1ull << 54) /* instruction info for ins/outs exits */
#define VMX_BASIC_TRUE_CTLS   (1ull << 55)

#define VMX_MISC_PREEMPT_RATE(m) ((unsigned)(m)&0x1f) /* the timer counts every 2^rate TSC cycles */

#define EPT_CAP_WALK4      (1ull << 6)
#define EPT_CAP_WB         (1ull << 14)
#define EPT_CAP_2M         (1ull << 16)
#define EPT_CAP_INVEPT     (1ull << 20)
#define EPT_CAP_INVEPT_CTX (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID   (1ull << 32)
#define VPID_CAP_CTX       (1ull << 41)
#define VPID_CAP_ALL       (1ull << 42)

/* ---- control fields ---- */
#define PIN_EXTINT_EXITING (1u << 0)
#define PIN_NMI_EXITING    (1u << 3)
#define PIN_VIRTUAL_NMIS   (1u << 5)
#define PIN_PREEMPT_TIMER  (1u << 6)

#define PROC_INTR_WINDOW (1u << 2)
#define PROC_TSC_OFFSET  (1u << 3)
#define PROC_HLT         (1u << 7)
#define PROC_INVLPG      (1u << 9)
#define PROC_MWAIT       (1u << 10)
#define PROC_RDPMC       (1u << 11)
#define PROC_RDTSC       (1u << 12)
#define PROC_CR3_LOAD    (1u << 15)
#define PROC_CR3_STORE   (1u << 16)
#define PROC_CR8_LOAD    (1u << 19)
#define PROC_CR8_STORE   (1u << 20)
#define PROC_TPR_SHADOW  (1u << 21)
#define PROC_NMI_WINDOW  (1u << 22)
#define PROC_MOV_DR      (1u << 23)
#define PROC_UNCOND_IO   (1u << 24)
#define PROC_IO_BITMAPS  (1u << 25)
#define PROC_MTF         (1u << 27)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR     (1u << 29)
#define PROC_PAUSE       (1u << 30)
#define PROC_SECONDARY   (1u << 31)

#define PROC2_VIRT_APIC    (1u << 0)
#define PROC2_EPT          (1u << 1)
#define PROC2_DESC_TABLE   (1u << 2)
#define PROC2_RDTSCP       (1u << 3)
#define PROC2_VPID         (1u << 5)
#define PROC2_WBINVD       (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define PROC2_INVPCID      (1u << 12)
#define PROC2_XSAVES       (1u << 20)

#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64    (1u << 9)
#define EXIT_LOAD_PERF  (1u << 12)
#define EXIT_ACK_INTR   (1u << 15)
#define EXIT_SAVE_PAT   (1u << 18)
#define EXIT_LOAD_PAT   (1u << 19)
#define EXIT_SAVE_EFER  (1u << 20)
#define EXIT_LOAD_EFER  (1u << 21)

#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E      (1u << 9)
#define ENTRY_SMM        (1u << 10)
#define ENTRY_LOAD_PERF  (1u << 13)
#define ENTRY_LOAD_PAT   (1u << 14)
#define ENTRY_LOAD_EFER  (1u << 15)

/* ---- field encodings ---- */
enum vmcs_field {
	VMCS_VPID = 0x0000,
	VMCS_GUEST_ES_SEL = 0x0800, /* ES, CS, SS, DS, FS, GS, LDTR, TR: +2 each */
	VMCS_GUEST_CS_SEL = 0x0802,
	VMCS_GUEST_SS_SEL = 0x0804,
	VMCS_GUEST_DS_SEL = 0x0806,
	VMCS_GUEST_FS_SEL = 0x0808,
	VMCS_GUEST_GS_SEL = 0x080a,
	VMCS_GUEST_LDTR_SEL = 0x080c,
	VMCS_GUEST_TR_SEL = 0x080e,
	VMCS_HOST_ES_SEL = 0x0c00,
	VMCS_HOST_CS_SEL = 0x0c02,
	VMCS_HOST_SS_SEL = 0x0c04,
	VMCS_HOST_DS_SEL = 0x0c06,
	VMCS_HOST_FS_SEL = 0x0c08,
	VMCS_HOST_GS_SEL = 0x0c0a,
	VMCS_HOST_TR_SEL = 0x0c0c,

	VMCS_IO_BITMAP_A = 0x2000,
	VMCS_IO_BITMAP_B = 0x2002,
	VMCS_MSR_BITMAP = 0x2004,
	VMCS_EXIT_MSR_STORE_ADDR = 0x2006,
	VMCS_EXIT_MSR_LOAD_ADDR = 0x2008,
	VMCS_ENTRY_MSR_LOAD_ADDR = 0x200a,
	VMCS_TSC_OFFSET = 0x2010,
	VMCS_EPT_POINTER = 0x201a,
	VMCS_GUEST_PHYS_ADDR = 0x2400,
	VMCS_LINK_POINTER = 0x2800,
	VMCS_GUEST_DEBUGCTL = 0x2802,
	VMCS_GUEST_PAT = 0x2804,
	VMCS_GUEST_EFER = 0x2806,
	VMCS_GUEST_PDPTE0 = 0x280a, /* PDPTE1..3: +2 each */
	VMCS_HOST_PAT = 0x2c00,
	VMCS_HOST_EFER = 0x2c02,

	VMCS_PIN_CTLS = 0x4000,
	VMCS_PROC_CTLS = 0x4002,
	VMCS_EXCEPTION_BITMAP = 0x4004,
	VMCS_PF_ERROR_MASK = 0x4006,
	VMCS_PF_ERROR_MATCH = 0x4008,
	VMCS_CR3_TARGET_COUNT = 0x400a,
	VMCS_EXIT_CTLS = 0x400c,
	VMCS_EXIT_MSR_STORE_COUNT = 0x400e,
	VMCS_EXIT_MSR_LOAD_COUNT = 0x4010,
	VMCS_ENTRY_CTLS = 0x4012,
	VMCS_ENTRY_MSR_LOAD_COUNT = 0x4014,
	VMCS_ENTRY_INTR_INFO = 0x4016,
	VMCS_ENTRY_EXCEPTION_ERROR = 0x4018,
	VMCS_ENTRY_INSN_LEN = 0x401a,
	VMCS_TPR_THRESHOLD = 0x401c,
	VMCS_PROC_CTLS2 = 0x401e,
	VMCS_INSN_ERROR = 0x4400,
	VMCS_EXIT_REASON = 0x4402,
	VMCS_EXIT_INTR_INFO = 0x4404,
	VMCS_EXIT_INTR_ERROR = 0x4406,
	VMCS_IDT_VECTORING_INFO = 0x4408,
	VMCS_IDT_VECTORING_ERROR = 0x440a,
	VMCS_EXIT_INSN_LEN = 0x440c,
	VMCS_EXIT_INSN_INFO = 0x440e,
	VMCS_GUEST_ES_LIMIT = 0x4800, /* per segment: +2 each, as the selectors */
	VMCS_GUEST_GDTR_LIMIT = 0x4810,
	VMCS_GUEST_IDTR_LIMIT = 0x4812,
	VMCS_GUEST_ES_AR = 0x4814, /* per segment: +2 each */
	VMCS_GUEST_INTERRUPTIBILITY = 0x4824,
	VMCS_GUEST_ACTIVITY = 0x4826,
	VMCS_GUEST_SYSENTER_CS = 0x482a,
	VMCS_GUEST_PREEMPT_TIMER = 0x482e,
	VMCS_HOST_SYSENTER_CS = 0x4c00,

	VMCS_CR0_MASK = 0x6000,
	VMCS_CR4_MASK = 0x6002,
	VMCS_CR0_SHADOW = 0x6004,
	VMCS_CR4_SHADOW = 0x6006,
	VMCS_EXIT_QUALIFICATION = 0x6400,
	VMCS_GUEST_LINEAR_ADDR = 0x640a,
	VMCS_GUEST_CR0 = 0x6800,
	VMCS_GUEST_CR3 = 0x6802,
	VMCS_GUEST_CR4 = 0x6804,
	VMCS_GUEST_ES_BASE = 0x6806, /* per segment: +2 each */
	VMCS_GUEST_GDTR_BASE = 0x6816,
	VMCS_GUEST_IDTR_BASE = 0x6818,
	VMCS_GUEST_DR7 = 0x681a,
	VMCS_GUEST_RSP = 0x681c,
	VMCS_GUEST_RIP = 0x681e,
	VMCS_GUEST_RFLAGS = 0x6820,
	VMCS_GUEST_PENDING_DBG = 0x6822,
	VMCS_GUEST_SYSENTER_ESP = 0x6824,
	VMCS_GUEST_SYSENTER_EIP = 0x6826,
	VMCS_HOST_CR0 = 0x6c00,
	VMCS_HOST_CR3 = 0x6c02,
	VMCS_HOST_CR4 = 0x6c04,
	VMCS_HOST_FS_BASE = 0x6c06,
	VMCS_HOST_GS_BASE = 0x6c08,
	VMCS_HOST_TR_BASE = 0x6c0a,
	VMCS_HOST_GDTR_BASE = 0x6c0c,
	VMCS_HOST_IDTR_BASE = 0x6c0e,
	VMCS_HOST_SYSENTER_ESP = 0x6c10,
	VMCS_HOST_SYSENTER_EIP = 0x6c12,
	VMCS_HOST_RSP = 0x6c14,
	VMCS_HOST_RIP = 0x6c16,
};

/* Segment index for the per-segment guest fields (encoding + 2 * index). */
enum vmcs_seg {
	VMCS_SEG_ES,
	VMCS_SEG_CS,
	VMCS_SEG_SS,
	VMCS_SEG_DS,
	VMCS_SEG_FS,
	VMCS_SEG_GS,
	VMCS_SEG_LDTR,
	VMCS_SEG_TR
};

/* Field type (bits 11:10 of the encoding): 1 is read-only exit information. */
#define VMCS_FIELD_TYPE(f)  (((unsigned)(f) >> 10) & 3)
#define VMCS_FIELD_WIDTH(f) (((unsigned)(f) >> 13) & 3) /* 0 16-bit, 1 64-bit, 2 32-bit, 3 natural */

/* ---- basic exit reasons (bits 15:0 of VMCS_EXIT_REASON) ---- */
enum vmx_exit_reason {
	VMX_EXIT_EXCEPTION_NMI = 0,
	VMX_EXIT_EXTERNAL_INTR = 1,
	VMX_EXIT_TRIPLE_FAULT = 2,
	VMX_EXIT_INIT = 3,
	VMX_EXIT_SIPI = 4,
	VMX_EXIT_INTR_WINDOW = 7,
	VMX_EXIT_NMI_WINDOW = 8,
	VMX_EXIT_TASK_SWITCH = 9,
	VMX_EXIT_CPUID = 10,
	VMX_EXIT_GETSEC = 11,
	VMX_EXIT_HLT = 12,
	VMX_EXIT_INVD = 13,
	VMX_EXIT_INVLPG = 14,
	VMX_EXIT_RDPMC = 15,
	VMX_EXIT_RDTSC = 16,
	VMX_EXIT_VMCALL = 18,
	VMX_EXIT_VMCLEAR = 19,
	VMX_EXIT_VMLAUNCH = 20,
	VMX_EXIT_VMPTRLD = 21,
	VMX_EXIT_VMPTRST = 22,
	VMX_EXIT_VMREAD = 23,
	VMX_EXIT_VMRESUME = 24,
	VMX_EXIT_VMWRITE = 25,
	VMX_EXIT_VMXOFF = 26,
	VMX_EXIT_VMXON = 27,
	VMX_EXIT_CR_ACCESS = 28,
	VMX_EXIT_MOV_DR = 29,
	VMX_EXIT_IO = 30,
	VMX_EXIT_RDMSR = 31,
	VMX_EXIT_WRMSR = 32,
	VMX_EXIT_INVALID_GUEST = 33,
	VMX_EXIT_MSR_LOADING = 34,
	VMX_EXIT_MWAIT = 36,
	VMX_EXIT_MTF = 37,
	VMX_EXIT_MONITOR = 39,
	VMX_EXIT_PAUSE = 40,
	VMX_EXIT_MACHINE_CHECK = 41,
	VMX_EXIT_EPT_VIOLATION = 48,
	VMX_EXIT_EPT_MISCONFIG = 49,
	VMX_EXIT_INVEPT = 50,
	VMX_EXIT_RDTSCP = 51,
	VMX_EXIT_PREEMPT_TIMER = 52,
	VMX_EXIT_INVVPID = 53,
	VMX_EXIT_WBINVD = 54,
	VMX_EXIT_XSETBV = 55,
	VMX_EXIT_INVPCID = 58,
	VMX_EXIT_VMFUNC = 59,
};
#define VMX_EXIT_REASON_BASIC(r) ((r)&0xffff)
#define VMX_EXIT_REASON_FAILED   (1u << 31) /* VM-entry failure */

/* VM-instruction error numbers (VMCS_INSN_ERROR). */
#define VMX_ERR_LAUNCH_NOT_CLEAR    4
#define VMX_ERR_RESUME_NOT_LAUNCHED 5
#define VMX_ERR_BAD_CONTROLS        7
#define VMX_ERR_BAD_HOST_STATE      8
#define VMX_ERR_UNSUPPORTED_FIELD   12
#define VMX_ERR_READ_ONLY_FIELD     13

/* ---- interruption information (entry, exit, IDT vectoring) ---- */
#define INTR_INFO_VECTOR_MASK 0xffu
#define INTR_INFO_TYPE_SHIFT  8
#define INTR_INFO_TYPE_MASK   (7u << 8)
#define INTR_TYPE_EXT_INTR    (0u << 8)
#define INTR_TYPE_NMI         (2u << 8)
#define INTR_TYPE_HW_EXC      (3u << 8)
#define INTR_TYPE_SW_INTR     (4u << 8)
#define INTR_TYPE_PRIV_SW_EXC (5u << 8)
#define INTR_TYPE_SW_EXC      (6u << 8)
#define INTR_INFO_HAS_ERROR   (1u << 11)
#define INTR_INFO_VALID       (1u << 31)

#define INTERRUPTIBILITY_STI   (1u << 0)
#define INTERRUPTIBILITY_MOVSS (1u << 1)
#define INTERRUPTIBILITY_NMI   (1u << 3) /* blocking by NMI (virtual-NMI blocking with virtual NMIs) */

/* ---- exit qualifications ---- */
#define IO_QUAL_SIZE(q) ((unsigned)((q)&7) + 1)
#define IO_QUAL_IN      (1ull << 3)
#define IO_QUAL_STRING  (1ull << 4)
#define IO_QUAL_REP     (1ull << 5)
#define IO_QUAL_IMM     (1ull << 6)
#define IO_QUAL_PORT(q) ((uint16_t)((q) >> 16))

/* VMCS_EXIT_INSN_INFO for ins/outs: address size (0 16, 1 32, 2 64) and
 * segment (outs). */
#define INSN_INFO_ADDR_SIZE(i) (((unsigned)(i) >> 7) & 7)
#define INSN_INFO_SEG(i)       (((unsigned)(i) >> 15) & 7)

#define EPT_QUAL_READ  (1ull << 0)
#define EPT_QUAL_WRITE (1ull << 1)
#define EPT_QUAL_FETCH (1ull << 2)

#define CR_QUAL_NUM(q)  ((unsigned)(q)&0xf)
#define CR_QUAL_TYPE(q) ((unsigned)((q) >> 4) & 3) /* 0 mov to, 1 mov from, 2 clts, 3 lmsw */
#define CR_QUAL_GPR(q)  ((unsigned)((q) >> 8) & 0xf)
#define CR_QUAL_LMSW(q) ((uint16_t)((q) >> 16))

/* ---- guest segment access rights ---- */
#define VMX_AR_S        (1u << 4)
#define VMX_AR_P        (1u << 7)
#define VMX_AR_AVL      (1u << 12)
#define VMX_AR_L        (1u << 13)
#define VMX_AR_DB       (1u << 14)
#define VMX_AR_G        (1u << 15)
#define VMX_AR_UNUSABLE (1u << 16)

/* ---- EPT ---- */
#define EPT_R      (1ull << 0)
#define EPT_W      (1ull << 1)
#define EPT_X      (1ull << 2)
#define EPT_MT_WB  (6ull << 3) /* leaf memory type */
#define EPT_LARGE  (1ull << 7)
#define EPT_ADDR   0x000ffffffffff000ull
#define EPTP_WB    6ull
#define EPTP_WALK4 (3ull << 3)

#define INVEPT_SINGLE  1
#define INVEPT_ALL     2
#define INVVPID_SINGLE 1
#define INVVPID_ALL    2
#endif
