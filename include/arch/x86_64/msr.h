/* x86-64 model-specific register numbers used by the kernel and hypervisor. */
#ifndef ARCH_X86_64_MSR_H
#define ARCH_X86_64_MSR_H

#define MSR_IA32_APIC_BASE 0x0000001b
#define MSR_IA32_APIC_BASE_BSP (1 << 8)     /* this is the bootstrap CPU */
#define MSR_IA32_APIC_BASE_X2APIC (1 << 10)
#define MSR_IA32_APIC_BASE_ENABLE (1 << 11) /* xAPIC global enable */
#define MSR_IA32_TSC 0x00000010
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_SYSENTER_CS 0x00000174
#define MSR_IA32_PAT 0x00000277
#define MSR_IA32_TSC_DEADLINE 0x000006e0

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117

#endif
