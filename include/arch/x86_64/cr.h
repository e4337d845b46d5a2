/* x86-64 control-register and EFER bits. */
#ifndef ARCH_X86_64_CR_H
#define ARCH_X86_64_CR_H

#ifdef __ASSEMBLER__
#define CR_BIT(n) (1 << (n))
#else
#define CR_BIT(n) (1UL << (n))
#endif

#define CR0_PE CR_BIT(0)  /* protected mode */
#define CR0_MP CR_BIT(1)
#define CR0_EM CR_BIT(2)
#define CR0_TS CR_BIT(3)
#define CR0_NE CR_BIT(5)
#define CR0_WP CR_BIT(16) /* honour read-only pages in ring 0 */
#define CR0_NW CR_BIT(29)
#define CR0_CD CR_BIT(30)
#define CR0_PG CR_BIT(31) /* paging */

#define CR4_PSE CR_BIT(4)
#define CR4_PAE CR_BIT(5)
#define CR4_PGE CR_BIT(7)
#define CR4_OSFXSR CR_BIT(9)
#define CR4_OSXMMEXCPT CR_BIT(10)
#define CR4_FSGSBASE CR_BIT(16)
#define CR4_SMEP CR_BIT(20)
#define CR4_SMAP CR_BIT(21)

#define EFER_SCE CR_BIT(0)  /* syscall/sysret */
#define EFER_LME CR_BIT(8)  /* long mode enable */
#define EFER_LMA CR_BIT(10) /* long mode active */
#define EFER_NXE CR_BIT(11) /* no-execute bit in page tables */
#define EFER_SVME CR_BIT(12)

#define RFLAGS_RESERVED1 CR_BIT(1) /* always reads as 1 */
#define RFLAGS_TF CR_BIT(8)  /* single-step trap */
#define RFLAGS_IF CR_BIT(9)  /* interrupts enabled */
#define RFLAGS_DF CR_BIT(10) /* string direction */
#define RFLAGS_NT CR_BIT(14) /* nested task */
#define RFLAGS_AC CR_BIT(18) /* alignment check; with SMAP, user access allowed */
/* What user code may choose: CF PF AF ZF SF TF DF OF (the same set the
 * hosted platform lets through). */
#define RFLAGS_USER_MASK 0x0dd5

#endif
