/* Extended page tables: guest-physical to host-physical, four levels,
 * write-back, built from the chunks hv/ maps (2 MiB pages where guest and
 * host addresses and the length allow and the CPU has them, 4 KiB pages
 * elsewhere). What is not mapped (MMIO holes, unbacked addresses) exits
 * with an EPT violation; read-only chunks (ROM) lack W. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "vmx_internal.h"

#define EPT_TABLE (EPT_R | EPT_W | EPT_X)

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
		memset(table(pa), 0, VMX_PAGE);
	return pa;
}

int vmx_ept_init(struct vmx_vm *vm)
{
	spin_init(&vm->ept_lock, "vmx-ept");
	vm->ept_root = new_table();
	vm->eptp = vm->ept_root | EPTP_WALK4 | EPTP_WB;
	return vm->ept_root ? 0 : -ENOMEM;
}

static void free_level(paddr_t pa, unsigned level)
{
	uint64_t *t = table(pa);

	for (unsigned i = 0; level > 0 && i < 512; i++)
		if ((t[i] & EPT_TABLE) && !(t[i] & EPT_LARGE))
			free_level(t[i] & EPT_ADDR, level - 1);
	page_free(pa, 0);
}

void vmx_ept_destroy(struct vmx_vm *vm)
{
	if (vm->ept_root)
		free_level(vm->ept_root, 3);
	vm->ept_root = 0;
}

/* An entry is present when any of R, W, X is set. */
static bool present(uint64_t e)
{
	return (e & EPT_TABLE) != 0;
}

static uint64_t *walk_create(struct vmx_vm *vm, uint64_t gpa, unsigned level)
{
	uint64_t *t = table(vm->ept_root);

	for (unsigned l = 3; l > level; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!present(*e)) {
			paddr_t pa = new_table();

			if (!pa)
				return NULL;
			*e = pa | EPT_TABLE;
		} else if (*e & EPT_LARGE) {
			return NULL;
		}
		t = table(*e & EPT_ADDR);
	}
	return &t[index_at(gpa, level)];
}

static uint64_t *walk_find(struct vmx_vm *vm, uint64_t gpa, unsigned *level)
{
	uint64_t *t = table(vm->ept_root);

	for (unsigned l = 3;; l--) {
		uint64_t *e = &t[index_at(gpa, l)];

		if (!present(*e))
			return NULL;
		if (l == 0 || (*e & EPT_LARGE)) {
			*level = l;
			return e;
		}
		t = table(*e & EPT_ADDR);
	}
}

static int unmap_locked(struct vmx_vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	while (gpa < end) {
		unsigned level;
		uint64_t *e = walk_find(vm, gpa, &level);

		if (!e) {
			gpa = ALIGN_DOWN(gpa, VMX_PAGE) + VMX_PAGE;
			continue;
		}
		if (level == 1 && (gpa % VMX_LARGE || end - gpa < VMX_LARGE))
			return -EINVAL; /* never mapped that way by map() */
		*e = 0;
		gpa += level == 1 ? VMX_LARGE : VMX_PAGE;
	}
	atomic_fetch_add(&vm->ept_gen, 1);
	return 0;
}

int vmx_ept_map(struct vmx_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	uint64_t flags = EPT_R | EPT_X | EPT_MT_WB | (writable ? EPT_W : 0), done = 0;
	int err = 0;

	if ((gpa | hpa | size) % VMX_PAGE || size == 0 || gpa + size < gpa || gpa + size > VMX_GPA_LIMIT)
		return -EINVAL;
	spin_lock(&vm->ept_lock);
	while (done < size) {
		uint64_t g = gpa + done, h = hpa + done;
		bool large = vm->caps.ept_2m && g % VMX_LARGE == 0 && h % VMX_LARGE == 0 && size - done >= VMX_LARGE;
		uint64_t *e = walk_create(vm, g, large ? 1 : 0);

		if (!e) {
			err = -ENOMEM;
			break;
		}
		if (present(*e)) {
			err = -EBUSY;
			break;
		}
		*e = h | flags | (large ? EPT_LARGE : 0);
		done += large ? VMX_LARGE : VMX_PAGE;
	}
	if (err && done)
		unmap_locked(vm, gpa, done);
	spin_unlock(&vm->ept_lock);
	return err;
}

int vmx_ept_unmap(struct vmx_vm *vm, uint64_t gpa, uint64_t size)
{
	int err;

	if ((gpa | size) % VMX_PAGE || size == 0 || gpa + size < gpa)
		return -EINVAL;
	spin_lock(&vm->ept_lock);
	err = unmap_locked(vm, gpa, size);
	spin_unlock(&vm->ept_lock);
	return err;
}

paddr_t vmx_ept_translate(struct vmx_vm *vm, uint64_t gpa, bool write)
{
	unsigned level;
	uint64_t *e;
	paddr_t hpa = 0;

	if (gpa >= VMX_GPA_LIMIT)
		return 0;
	spin_lock(&vm->ept_lock);
	e = walk_find(vm, gpa, &level);
	if (e && (!write || (*e & EPT_W)))
		hpa = (*e & EPT_ADDR & ~(level ? VMX_LARGE - 1 : 0)) + (gpa & (level ? VMX_LARGE - 1 : VMX_PAGE - 1));
	spin_unlock(&vm->ept_lock);
	return hpa;
}

void vmx_flush(struct vmx_vcpu *v, bool ept, bool vpid)
{
	const struct vmx_vm *vm = v->vm;

	if (ept)
		plat_vmx_invept(vm->caps.ept_vpid & EPT_CAP_INVEPT_CTX ? INVEPT_SINGLE : INVEPT_ALL, vm->eptp);
	if (vpid && v->vpid)
		plat_vmx_invvpid(vm->caps.ept_vpid & VPID_CAP_CTX ? INVVPID_SINGLE : INVVPID_ALL, v->vpid);
}
