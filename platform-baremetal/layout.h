/* The bare-metal kernel's virtual address layout (shared with assembly and
 * the linker script's constants). */
#ifndef BAREMETAL_LAYOUT_H
#define BAREMETAL_LAYOUT_H

#ifdef __ASSEMBLER__
#define LAYOUT_UL(x) x
#else
#define LAYOUT_UL(x) x##UL
#endif

/* The image runs at KERNEL_VMA + its physical load address (top 2 GiB, so
 * -mcmodel=kernel can use sign-extended 32-bit addresses). */
#define KERNEL_VMA LAYOUT_UL(0xffffffff80000000)
/* All physical memory, mapped with 2 MiB pages (PML4 slots 256..383). */
#define DIRECT_MAP_BASE LAYOUT_UL(0xffff800000000000)
#define DIRECT_MAP_LIMIT LAYOUT_UL(0x0000400000000000) /* 64 TiB */
/* Uncached device mappings made by plat_mmio_map (PML4 slot 384). */
#define MMIO_WINDOW_BASE LAYOUT_UL(0xffffc00000000000)
#define MMIO_WINDOW_SIZE LAYOUT_UL(0x0000000040000000) /* 1 GiB */

#define BOOT_STACK_SIZE 16384

/* How boot.S tells boot_main which loader started us. */
#define BOOT_KIND_MULTIBOOT2 0x36d76289 /* the multiboot2 magic in eax */
#define BOOT_KIND_PVH 0x336ec578        /* the hvm_start_info magic */

#endif
