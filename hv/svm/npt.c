/* Nested page tables: guest-physical to host-physical, four levels, built
 * from the chunks hv/ maps (2 MiB pages where guest and host addresses and
 * the length allow, 4 KiB pages elsewhere). What is not mapped (MMIO holes,
 * unbacked addresses) faults with #VMEXIT(NPF). Nested walks are user
 * accesses, so every level has U set; read-only chunks (ROM) lack W. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>

#include "svm_internal.h"

#define NPT_P     (1ull << 0)
#define NPT_W     (1ull << 1)
#define NPT_U     (1ull << 2)
#define NPT_PS    (1ull << 7)
#define NPT_ADDR  0x000ffffffffff000ull
#define NPT_TABLE (NPT_P | NPT_W | NPT_U)

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
		memset(table(pa), 0, SVM_PAGE);
	return pa;
}

int svm_npt_init(struct svm_vm *vm)
{
	spin_init(&vm->npt_lock, "svm-npt");
	vm->npt_root = new_table();
	return vm->npt_root ? 0 : -ENOMEM;
}

static void free_level(paddr_t pa, unsigned level)
{
	uint64_t *t = table(pa);

	for (unsigned i = 0; level > 0 && i < 512; i++)
		if ((t[i] & NPT_P) && !(t[i] & NPT_PS))
			free_level(t[i] & NPT_ADDR, level - 1);
	page_free(pa, 0);
}

void svm_npt_destroy(struct svm_vm *vm)
{
	if (vm->npt_root)
		free_level(vm->npt_root, 3);
	vm->npt_root = 0;
}

/* The entry for `gpa` at `level` (0: PTE, 1: PDE), creating tables above
 * it; NULL when out of memory or a large page is in the way. */
static uint64_t *walk_create(struct svm_vm *vm, uint64_t gpa, unsigned level)
{
	uint64_t *t = table(vm->npt_root);

	for (unsigned l = 3; l > level; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!(*e & NPT_P)) {
			paddr_t pa = new_table();

			if (!pa)
				return NULL;
			*e = pa | NPT_TABLE;
		} else if (*e & NPT_PS) {
			return NULL;
		}
		t = table(*e & NPT_ADDR);
	}
	return &t[index_at(gpa, level)];
}

/* The leaf for `gpa` and its level, or NULL. */
static uint64_t *walk_find(struct svm_vm *vm, uint64_t gpa, unsigned *level)
{
	uint64_t *t = table(vm->npt_root);

	for (unsigned l = 3;; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!(*e & NPT_P))
			return NULL;
		if (l == 0 || (*e & NPT_PS)) {
			*level = l;
			return e;
		}
		t = table(*e & NPT_ADDR);
	}
}

static int unmap_locked(struct svm_vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	while (gpa < end) {
		unsigned level;
		uint64_t *e = walk_find(vm, gpa, &level), span;

		span = level == 1 ? SVM_LARGE : SVM_PAGE;
		if (!e) {
			gpa = ALIGN_DOWN(gpa, SVM_PAGE) + SVM_PAGE;
			continue;
		}
		if (level == 1 && (gpa % SVM_LARGE || end - gpa < SVM_LARGE))
			return -EINVAL; /* never mapped that way by map() */
		*e = 0;
		gpa += span;
	}
	atomic_fetch_add(&vm->npt_gen, 1);
	return 0;
}

int svm_npt_map(struct svm_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	uint64_t flags = NPT_P | NPT_U | (writable ? NPT_W : 0), done = 0;
	int err = 0;

	if ((gpa | hpa | size) % SVM_PAGE || size == 0 || gpa + size < gpa || gpa + size > SVM_GPA_LIMIT)
		return -EINVAL;
	spin_lock(&vm->npt_lock);
	while (done < size) {
		uint64_t g = gpa + done, h = hpa + done;
		bool large = g % SVM_LARGE == 0 && h % SVM_LARGE == 0 && size - done >= SVM_LARGE;
		uint64_t *e = walk_create(vm, g, large ? 1 : 0);

		if (!e) {
			err = -ENOMEM;
			break;
		}
		if (*e & NPT_P) {
			err = -EBUSY;
			break;
		}
		*e = h | flags | (large ? NPT_PS : 0);
		done += large ? SVM_LARGE : SVM_PAGE;
	}
	if (err && done)
		unmap_locked(vm, gpa, done);
	spin_unlock(&vm->npt_lock);
	return err;
}

int svm_npt_unmap(struct svm_vm *vm, uint64_t gpa, uint64_t size)
{
	int err;

	if ((gpa | size) % SVM_PAGE || size == 0 || gpa + size < gpa)
		return -EINVAL;
	spin_lock(&vm->npt_lock);
	err = unmap_locked(vm, gpa, size);
	spin_unlock(&vm->npt_lock);
	return err;
}

paddr_t svm_npt_translate(struct svm_vm *vm, uint64_t gpa, bool write)
{
	unsigned level;
	uint64_t *e;
	paddr_t hpa = 0;

	if (gpa >= SVM_GPA_LIMIT)
		return 0;
	spin_lock(&vm->npt_lock);
	e = walk_find(vm, gpa, &level);
	if (e && (!write || (*e & NPT_W)))
		hpa = (*e & NPT_ADDR & ~(level ? SVM_LARGE - 1 : 0)) + (gpa & (level ? SVM_LARGE - 1 : SVM_PAGE - 1));
	spin_unlock(&vm->npt_lock);
	return hpa;
}
