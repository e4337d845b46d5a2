/* x86-64 control-register and EFER bits. */
#ifndef ARCH_X86_64_CR_H
#define ARCH_X86_64_CR_H

#define CR0_PE (1 << 0)  /* protected mode */
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16) /* honour read-only pages in ring 0 */
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31) /* paging */

#define CR4_PSE (1 << 4)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_FSGSBASE (1 << 16)
#define CR4_SMEP (1 << 20)
#define CR4_SMAP (1 << 21)

#define EFER_SCE (1 << 0)  /* syscall/sysret */
#define EFER_LME (1 << 8)  /* long mode enable */
#define EFER_LMA (1 << 10) /* long mode active */
#define EFER_NXE (1 << 11) /* no-execute bit in page tables */
#define EFER_SVME (1 << 12)

#define RFLAGS_IF (1 << 9) /* interrupts enabled */

#endif
