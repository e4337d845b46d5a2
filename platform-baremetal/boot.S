/* First instructions: the multiboot2 header, the PVH ELF note, and the 32-bit
 * entry both loaders use. Builds temporary page tables (identity + direct map
 * of the low 4 GiB, kernel image at KERNEL_VMA), enters long mode and calls
 * boot_main(kind, info) on the boot stack in the higher half.
 *
 * Everything here runs before paging, so it lives in the .boot section, which
 * is linked at its physical address; symbols in the higher half are reached
 * as PHYS(sym). */
#include <arch/x86_64/cr.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/msr.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/cpuid.h>
#include "layout.h"

#define PHYS(x) ((x) - KERNEL_VMA)
#define MB2_HEADER_MAGIC 0xe85250d6
#define EARLY_PDS 4 /* 4 GiB in 2 MiB pages */
#define COM1 0x3f8

/* ---- multiboot2 header (must be in the first 32 KiB, 8-byte aligned) ---- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0 /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	/* Information request (optional: boot even if some are missing):
	 * cmdline, modules, memory map, ACPI 1.0 and 2.0 RSDP copies. */
	.balign 8
	.short 1, 1
	.long 8 + 5 * 4
	.long 1, 3, 6, 14, 15
	/* Entry address: the ELF entry point is not used by GRUB for ELF64. */
	.balign 8
	.short 3, 0
	.long 12
	.long boot_entry_mb2
	.balign 8
	.short 0, 0 /* end */
	.long 8
mb2_header_end:

/* ---- PVH: lets `qemu-system-x86_64 -kernel macrohard.elf` boot us ----
 * QEMU reads the descriptor as 8 bytes for a 64-bit ELF. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4 /* namesz */
	.long 8 /* descsz */
	.long 18 /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad boot_entry_pvh
	.balign 4

	.section .boot.text, "ax"
	.code32
/* Multiboot2: eax = magic, ebx = info (physical). */
	.globl boot_entry_mb2
boot_entry_mb2:
	movl %eax, %ebp
	jmp boot_common32

/* PVH: ebx = hvm_start_info (physical). */
	.globl boot_entry_pvh
boot_entry_pvh:
	movl $BOOT_KIND_PVH, %ebp

boot_common32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	movl %ebp, boot_kind
	movl %ebx, boot_info_phys

	/* Zero .bss (loaders should, but the early page tables live there). */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	/* Long mode is required. */
	movl $CPUID_LEAF_EXT_MAX, %eax
	cpuid
	cmpl $CPUID_LEAF_EXT_FEATURES, %eax
	jb no_long_mode
	movl $CPUID_LEAF_EXT_FEATURES, %eax
	cpuid
	testl $CPUID_EXT_EDX_LM, %edx
	jz no_long_mode
	movl %edx, %esi /* keep the NX bit for EFER below */

	/* Four page directories of 2 MiB pages covering 0..4 GiB. */
	movl $PHYS(early_pd), %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $(EARLY_PDS * 512), %ecx
1:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $LARGE_PAGE_SIZE, %eax
	addl $8, %edi
	loop 1b

	/* pdpt_low[0..3] -> the four directories. */
	movl $PHYS(early_pdpt_low), %edi
	movl $(PHYS(early_pd) + PTE_P + PTE_W), %eax
	movl $EARLY_PDS, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 2b

	/* Top 2 GiB (kernel image): pdpt_high[510,511] -> physical 0..2 GiB. */
	movl $(PHYS(early_pd) + PTE_P + PTE_W), PHYS(early_pdpt_high) + 510 * 8
	movl $(PHYS(early_pd) + 4096 + PTE_P + PTE_W), PHYS(early_pdpt_high) + 511 * 8

	/* PML4: identity (0), direct map (256) and kernel (511). */
	movl $(PHYS(early_pdpt_low) + PTE_P + PTE_W), PHYS(early_pml4)
	movl $(PHYS(early_pdpt_low) + PTE_P + PTE_W), PHYS(early_pml4) + 256 * 8
	movl $(PHYS(early_pdpt_high) + PTE_P + PTE_W), PHYS(early_pml4) + 511 * 8

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3

	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	testl $CPUID_EXT_EDX_NX, %esi
	jz 3f
	orl $EFER_NXE, %eax
3:	wrmsr

	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdtr
	ljmp $KERNEL_CS, $boot_entry64

no_long_mode:
	movl $no_long_mode_msg, %esi
4:	movb (%esi), %al
	testb %al, %al
	jz 6f
	movw $(COM1 + 5), %dx
5:	inb %dx, %al /* wait for THR empty */
	testb $0x20, %al
	jz 5b
	movb (%esi), %al
	movw $COM1, %dx
	outb %al, %dx
	incl %esi
	jmp 4b
6:	cli
	hlt
	jmp 6b

	.code64
boot_entry64:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_kind, %edi
	movl boot_info_phys, %esi
	movabsq $boot_main, %rax
	pushq $0 /* fake return address: ends backtraces, keeps alignment */
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad GDT_DESC_KERNEL_CODE64
	.quad GDT_DESC_KERNEL_DATA
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.long boot_gdt
boot_kind:
	.long 0
boot_info_phys:
	.long 0
no_long_mode_msg:
	.asciz "MACROHARD: this CPU does not support 64-bit long mode\r\n"

	.bss
	.balign 4096
early_pml4:
	.skip 4096
early_pdpt_low:
	.skip 4096
early_pdpt_high:
	.skip 4096
early_pd:
	.skip 4096 * EARLY_PDS
	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
