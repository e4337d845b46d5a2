/* Nested page tables (AMD NPT, Intel EPT): guest-physical to host-physical,
 * four levels, built from the chunks hv/ maps: 2 MiB pages where guest and
 * host addresses and the length allow (and the format permits), 4 KiB pages
 * elsewhere. What is not mapped (MMIO holes, unbacked addresses) faults to
 * the hypervisor. The two formats differ only in their entry bits. */
#ifndef HV_NESTED_PT_H
#define HV_NESTED_PT_H
#include <kern/spinlock.h>
#include <kern/types.h>

#define NESTED_PT_GPA_LIMIT (1ull << 48) /* four levels */

struct nested_pt_format {
	uint64_t present; /* an entry with any of these bits is present */
	uint64_t table;   /* a non-leaf entry's bits */
	uint64_t leaf;    /* a read-only leaf's bits */
	uint64_t write;   /* added to a writable leaf */
	uint64_t large;   /* a 2 MiB leaf */
};

struct nested_pt {
	const struct nested_pt_format *fmt;
	bool large_pages;
	spinlock_t lock;
	paddr_t root;          /* the PML4 */
	volatile uint64_t gen; /* bumped when a mapping goes away (TLBs to flush) */
};

int nested_pt_init(struct nested_pt *pt, const struct nested_pt_format *fmt, bool large_pages, const char *name);
void nested_pt_destroy(struct nested_pt *pt);
/* -EINVAL for unaligned or out-of-range arguments, -EBUSY for an overlap,
 * -ENOMEM (nothing stays mapped then). */
int nested_pt_map(struct nested_pt *pt, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable);
int nested_pt_unmap(struct nested_pt *pt, uint64_t gpa, uint64_t size);
/* The host address of `gpa`, or 0 if unmapped (or read-only for a write). */
paddr_t nested_pt_translate(struct nested_pt *pt, uint64_t gpa, bool write);

/* What a guest access sees of its own paging: control registers and
 * whether it runs at CPL 3. */
struct nested_pt_guest_mode {
	uint64_t cr0, cr3, cr4, efer;
	bool user;
};
/* Copies `len` bytes at a guest linear address, as the guest's CPU would:
 * through its paging, then the nested tables. 0; X86_PF_VECTOR, the page
 * fault the guest takes, with its error code in *pf and the faulting
 * address in *fault_addr; or -EFAULT (not RAM, or read-only for a write). */
int nested_pt_guest_copy(struct nested_pt *pt, const struct nested_pt_guest_mode *m, uint64_t linear, void *buf,
                         unsigned len, bool write, uint32_t *pf, uint64_t *fault_addr);
#endif
