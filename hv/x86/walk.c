/* Guest page-table walker (include/hv/x86/walk.h). */
#include <hv/x86/walk.h>

#define CR0_WP   (1ull << 16)
#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

struct walk_rights {
	bool write, user, nx;
};

static void accumulate(struct walk_rights *r, uint64_t e, bool nxe)
{
	r->write = r->write && (e & PTE_RW);
	r->user = r->user && (e & PTE_US);
	if (nxe && (e & PTE_NX))
		r->nx = true;
}

static uint32_t access_bits(const struct x86_paging *p, unsigned access)
{
	uint32_t err = 0;

	if (access & X86_ACC_WRITE)
		err |= X86_PF_W;
	if (access & X86_ACC_USER)
		err |= X86_PF_U;
	if ((access & X86_ACC_FETCH) && (p->efer & EFER_NXE))
		err |= X86_PF_I;
	return err;
}

/* The final permission check of a present translation. */
static bool allowed(const struct x86_paging *p, const struct walk_rights *r, unsigned access)
{
	if ((access & X86_ACC_USER) && !r->user)
		return false;
	if ((access & X86_ACC_WRITE) && !r->write && ((access & X86_ACC_USER) || (p->cr0 & CR0_WP)))
		return false;
	if ((access & X86_ACC_FETCH) && r->nx)
		return false;
	return true;
}

static int fault(const struct x86_paging *p, unsigned access, bool present, uint32_t *pf_error)
{
	*pf_error = access_bits(p, access) | (present ? X86_PF_P : 0);
	return X86_PF_VECTOR;
}

static int read_entry(const struct x86_paging *p, uint64_t gpa, unsigned size, uint64_t *e)
{
	uint32_t e32 = 0;

	*e = 0;
	if (size == 4) {
		if (p->read_phys(p->ctx, gpa, &e32, 4))
			return -1;
		*e = e32;
		return 0;
	}
	return p->read_phys(p->ctx, gpa, e, 8) ? -1 : 0;
}

static int walk_32bit(const struct x86_paging *p, uint64_t linear, unsigned access, uint64_t *gpa, uint32_t *err)
{
	struct walk_rights r = {true, true, false};
	uint64_t pde, pte;
	uint32_t la = (uint32_t)linear;

	if (read_entry(p, (p->cr3 & 0xfffff000ull) + (la >> 22) * 4, 4, &pde) || !(pde & PTE_P))
		return fault(p, access, false, err);
	accumulate(&r, pde, false);
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		/* 4 MiB page; PSE-36 puts physical bits 32-39 in bits 13-20. */
		if (!allowed(p, &r, access))
			return fault(p, access, true, err);
		*gpa = (pde & 0xffc00000ull) | (((pde >> 13) & 0xff) << 32) | (la & 0x3fffff);
		return 0;
	}
	if (read_entry(p, (pde & 0xfffff000ull) + ((la >> 12) & 0x3ff) * 4, 4, &pte) || !(pte & PTE_P))
		return fault(p, access, false, err);
	accumulate(&r, pte, false);
	if (!allowed(p, &r, access))
		return fault(p, access, true, err);
	*gpa = (pte & 0xfffff000ull) | (la & 0xfff);
	return 0;
}

/* PAE and long mode share 8-byte entries; `levels` is 3 (PAE), 4 or 5. */
static int walk_64bit(const struct x86_paging *p, uint64_t linear, unsigned access, unsigned levels, uint64_t *gpa,
                      uint32_t *err)
{
	struct walk_rights r = {true, true, false};
	bool nxe = (p->efer & EFER_NXE) != 0;
	uint64_t table, e;
	unsigned shift = 12 + 9 * (levels - 1);

	if (levels == 3) {
		/* The four PDPTEs carry no rights (P only). */
		if (read_entry(p, (p->cr3 & 0xffffffe0ull) + ((linear >> 30) & 3) * 8, 8, &e) || !(e & PTE_P))
			return fault(p, access, false, err);
		table = e & PTE_ADDR;
		shift = 21;
	} else {
		table = p->cr3 & PTE_ADDR;
	}
	for (;;) {
		if (read_entry(p, table + ((linear >> shift) & 0x1ff) * 8, 8, &e) || !(e & PTE_P))
			return fault(p, access, false, err);
		accumulate(&r, e, nxe);
		/* Large pages: 1 GiB at the PDPT (long mode), 2 MiB at the PD. */
		if (shift == 12 || ((e & PTE_PS) && (shift == 21 || (shift == 30 && levels >= 4)))) {
			uint64_t mask = (1ull << shift) - 1;

			if (!allowed(p, &r, access))
				return fault(p, access, true, err);
			*gpa = (e & PTE_ADDR & ~mask) | (linear & mask);
			return 0;
		}
		table = e & PTE_ADDR;
		shift -= 9;
	}
}

int x86_walk(const struct x86_paging *p, uint64_t linear, unsigned access, uint64_t *gpa, uint32_t *pf_error)
{
	*pf_error = 0;
	if (!(p->cr0 & CR0_PG)) {
		*gpa = (p->efer & EFER_LMA) ? linear : (uint32_t)linear;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk_64bit(p, linear, access, (p->cr4 & CR4_LA57) ? 5 : 4, gpa, pf_error);
	if (p->cr4 & CR4_PAE)
		return walk_64bit(p, (uint32_t)linear, access, 3, gpa, pf_error);
	return walk_32bit(p, linear, access, gpa, pf_error);
}
