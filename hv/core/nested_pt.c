/* Nested page tables shared by the SVM (NPT) and VMX (EPT) backends. */
#include <hv/nested_pt.h>
#include <hv/x86/walk.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>

#define PT_PAGE  4096ull
#define PT_LARGE (2ull << 20)
#define PT_ADDR  0x000ffffffffff000ull

static uint64_t *table(paddr_t pa)
{
	return plat_phys_to_virt(pa);
}

static unsigned index_at(uint64_t gpa, unsigned level)
{
	return (unsigned)(gpa >> (12 + 9 * level)) & 511;
}

static paddr_t new_table(void)
{
	paddr_t pa = page_alloc(0);

	if (pa)
		memset(table(pa), 0, PT_PAGE);
	return pa;
}

int nested_pt_init(struct nested_pt *pt, const struct nested_pt_format *fmt, bool large_pages, const char *name)
{
	pt->fmt = fmt;
	pt->large_pages = large_pages;
	pt->gen = 0;
	spin_init(&pt->lock, name);
	pt->root = new_table();
	return pt->root ? 0 : -ENOMEM;
}

static void free_level(const struct nested_pt *pt, paddr_t pa, unsigned level)
{
	uint64_t *t = table(pa);

	for (unsigned i = 0; level > 0 && i < 512; i++)
		if ((t[i] & pt->fmt->present) && !(t[i] & pt->fmt->large))
			free_level(pt, t[i] & PT_ADDR, level - 1);
	page_free(pa, 0);
}

void nested_pt_destroy(struct nested_pt *pt)
{
	if (pt->root)
		free_level(pt, pt->root, 3);
	pt->root = 0;
}

/* The entry for `gpa` at `level` (0: PTE, 1: PDE), creating tables above
 * it; NULL when out of memory or a large page is in the way. */
static uint64_t *walk_create(struct nested_pt *pt, uint64_t gpa, unsigned level)
{
	uint64_t *t = table(pt->root);

	for (unsigned l = 3; l > level; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!(*e & pt->fmt->present)) {
			paddr_t pa = new_table();

			if (!pa)
				return NULL;
			*e = pa | pt->fmt->table;
		} else if (*e & pt->fmt->large) {
			return NULL;
		}
		t = table(*e & PT_ADDR);
	}
	return &t[index_at(gpa, level)];
}

/* The leaf for `gpa` and its level, or NULL. */
static uint64_t *walk_find(struct nested_pt *pt, uint64_t gpa, unsigned *level)
{
	uint64_t *t = table(pt->root);

	for (unsigned l = 3;; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!(*e & pt->fmt->present))
			return NULL;
		if (l == 0 || (*e & pt->fmt->large)) {
			*level = l;
			return e;
		}
		t = table(*e & PT_ADDR);
	}
}

static int unmap_locked(struct nested_pt *pt, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	while (gpa < end) {
		unsigned level;
		uint64_t *e = walk_find(pt, gpa, &level);

		if (!e) {
			gpa = ALIGN_DOWN(gpa, PT_PAGE) + PT_PAGE;
			continue;
		}
		if (level == 1 && (gpa % PT_LARGE || end - gpa < PT_LARGE))
			return -EINVAL; /* never mapped that way by map() */
		*e = 0;
		gpa += level == 1 ? PT_LARGE : PT_PAGE;
	}
	atomic_fetch_add(&pt->gen, 1);
	return 0;
}

int nested_pt_map(struct nested_pt *pt, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	uint64_t flags = pt->fmt->leaf | (writable ? pt->fmt->write : 0), done = 0;
	int err = 0;

	if ((gpa | hpa | size) % PT_PAGE || size == 0 || gpa + size < gpa || gpa + size > NESTED_PT_GPA_LIMIT)
		return -EINVAL;
	spin_lock(&pt->lock);
	while (done < size) {
		uint64_t g = gpa + done, h = hpa + done;
		bool large = pt->large_pages && g % PT_LARGE == 0 && h % PT_LARGE == 0 && size - done >= PT_LARGE;
		uint64_t *e = walk_create(pt, g, large ? 1 : 0);

		if (!e) {
			err = -ENOMEM;
			break;
		}
		if (*e & pt->fmt->present) {
			err = -EBUSY;
			break;
		}
		*e = h | flags | (large ? pt->fmt->large : 0);
		done += large ? PT_LARGE : PT_PAGE;
	}
	if (err && done)
		unmap_locked(pt, gpa, done);
	spin_unlock(&pt->lock);
	return err;
}

int nested_pt_unmap(struct nested_pt *pt, uint64_t gpa, uint64_t size)
{
	int err;

	if ((gpa | size) % PT_PAGE || size == 0 || gpa + size < gpa)
		return -EINVAL;
	spin_lock(&pt->lock);
	err = unmap_locked(pt, gpa, size);
	spin_unlock(&pt->lock);
	return err;
}

paddr_t nested_pt_translate(struct nested_pt *pt, uint64_t gpa, bool write)
{
	unsigned level;
	uint64_t *e;
	paddr_t hpa = 0;

	if (gpa >= NESTED_PT_GPA_LIMIT)
		return 0;
	spin_lock(&pt->lock);
	e = walk_find(pt, gpa, &level);
	if (e && (!write || (*e & pt->fmt->write)))
		hpa = (*e & PT_ADDR & ~(level ? PT_LARGE - 1 : 0)) + (gpa & (level ? PT_LARGE - 1 : PT_PAGE - 1));
	spin_unlock(&pt->lock);
	return hpa;
}

/* The walker's table reads: 8 (or 4) bytes within one guest page. */
static int read_phys(void *ctx, uint64_t gpa, void *buf, unsigned size)
{
	paddr_t hpa;

	if (gpa % PT_PAGE + size > PT_PAGE)
		return -EFAULT;
	hpa = nested_pt_translate(ctx, gpa, false);
	if (!hpa)
		return -EFAULT;
	memcpy(buf, plat_phys_to_virt(hpa), size);
	return 0;
}

int nested_pt_guest_copy(struct nested_pt *pt, const struct nested_pt_guest_mode *m, uint64_t linear, void *buf,
                         unsigned len, bool write, uint32_t *pf, uint64_t *fault_addr)
{
	struct x86_paging p = {m->cr0, m->cr3, m->cr4, m->efer, read_phys, pt};
	unsigned acc = (write ? X86_ACC_WRITE : 0) | (m->user ? X86_ACC_USER : 0);
	uint8_t *b = buf;

	while (len) {
		unsigned n = (unsigned)MIN((uint64_t)len, PT_PAGE - linear % PT_PAGE);
		uint64_t gpa;
		paddr_t hpa;

		if (x86_walk(&p, linear, acc, &gpa, pf)) {
			*fault_addr = linear;
			return X86_PF_VECTOR;
		}
		hpa = nested_pt_translate(pt, gpa, write);
		if (!hpa)
			return -EFAULT;
		if (write)
			memcpy(plat_phys_to_virt(hpa), b, n);
		else
			memcpy(b, plat_phys_to_virt(hpa), n);
		linear += n;
		b += n;
		len -= n;
	}
	return 0;
}
