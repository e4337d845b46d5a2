/* Guest page-table walks: linear to guest-physical addresses for every
 * x86 paging mode (none, 32-bit with PSE/PSE-36, PAE, 4- and 5-level long
 * mode), with the access checks a CPU makes. Used to fetch and emulate
 * instructions that touched MMIO. Accessed/dirty bits are not written. */
#ifndef HV_X86_WALK_H
#define HV_X86_WALK_H
#include <kern/types.h>

#define X86_PF_VECTOR 14
/* Page-fault error code bits. */
#define X86_PF_P    (1u << 0) /* protection fault (page was present) */
#define X86_PF_W    (1u << 1)
#define X86_PF_U    (1u << 2)
#define X86_PF_RSVD (1u << 3)
#define X86_PF_I    (1u << 4) /* instruction fetch */

/* The kind of access being translated. */
#define X86_ACC_WRITE (1u << 0)
#define X86_ACC_USER  (1u << 1) /* CPL 3 */
#define X86_ACC_FETCH (1u << 2)

struct x86_paging {
	uint64_t cr0, cr3, cr4, efer;
	/* Reads an 8-byte (or 4-byte) table entry at a guest-physical
	 * address; nonzero if the address is not memory. */
	int (*read_phys)(void *ctx, uint64_t gpa, void *buf, unsigned size);
	void *ctx;
};

/* Returns 0 with *gpa set, or X86_PF_VECTOR with *pf_error set (a table
 * outside memory also faults, as the CPU would see garbage there). */
int x86_walk(const struct x86_paging *p, uint64_t linear, unsigned access, uint64_t *gpa, uint32_t *pf_error);
#endif
