/* User address spaces: areas, page tables, faults, copy-on-write. */
#include <arch/x86_64/pgtable.h>
#include <kern/abi/mman.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/vm.h>
#include <plat/user.h>

#define VM_MIN_ADDR 0x10000UL /* never map page zero and its neighbours */

uintptr_t vm_user_limit(void)
{
	return plat_user_va_limit();
}

static pte_t leaf_flags(const struct vma *v, bool writable)
{
	pte_t f = PTE_P | PTE_U;

	if ((v->prot & PROT_WRITE) && writable)
		f |= PTE_W;
	if (!(v->prot & PROT_EXEC))
		f |= plat_pte_nx_bit();
	return f;
}

static void invalidate(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	if (vm->plat && end > start)
		plat_aspace_invalidate(vm->plat, start, end - start);
}

struct vm_space *vm_create(void)
{
	struct vm_space *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return NULL;
	vm->pml4 = pgtable_create();
	if (!vm->pml4) {
		kfree(vm);
		return NULL;
	}
	vm->plat = plat_aspace_create(vm->pml4);
	if (!vm->plat) {
		pgtable_destroy(vm->pml4);
		kfree(vm);
		return NULL;
	}
	mutex_init(&vm->lock, "vm");
	list_init(&vm->vmas);
	vm->mmap_top = vm_user_limit();
	vm->refs = 1;
	return vm;
}

void vm_get(struct vm_space *vm)
{
	__atomic_add_fetch(&vm->refs, 1, __ATOMIC_RELAXED);
}

static struct vma *find_vma(struct vm_space *vm, uintptr_t addr)
{
	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

static void insert_vma(struct vm_space *vm, struct vma *nv)
{
	struct list_node *pos = &vm->vmas;

	list_for_each (it, &vm->vmas) {
		if (list_entry(it, struct vma, node)->start > nv->start) {
			pos = it;
			break;
		}
	}
	list_insert_between(&nv->node, pos->prev, pos);
}

/* Joins neighbouring areas that only differ by where they start, as Linux
 * does; programs see it (mremap of a range must lie within one area). */
static void merge_adjacent(struct vm_space *vm)
{
	list_for_each_safe (it, tmp, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		struct vma *n;
		if (tmp == &vm->vmas)
			break;
		n = list_entry(tmp, struct vma, node);
		if (v->end == n->start && v->prot == n->prot && v->flags == n->flags) {
			n->start = v->start;
			list_remove(&v->node);
			kfree(v);
		}
	}
}

/* Splits v at `at` (strictly inside); returns the upper part or NULL. */
static struct vma *split_vma(struct vma *v, uintptr_t at)
{
	struct vma *hi = kmalloc(sizeof(*hi));

	if (!hi)
		return NULL;
	*hi = *v;
	hi->start = at;
	v->end = at;
	list_insert_between(&hi->node, &v->node, v->node.next);
	return hi;
}

struct drop_ctx {
	size_t dropped;
};

static void drop_page(uintptr_t va, pte_t *pte, void *arg)
{
	struct drop_ctx *c = arg;
	page_ref_put(pte_addr(*pte));
	*pte = 0;
	c->dropped++;
}

static void drop_pages(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	struct drop_ctx c = {0};

	pgtable_for_each(vm->pml4, start, end, drop_page, &c);
	vm->resident_pages -= c.dropped;
	invalidate(vm, start, end);
}

/* Makes [start, end) fall on area boundaries; -ENOMEM if a split failed. */
static int split_at_bounds(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	struct vma *v = find_vma(vm, start);

	if (v && v->start < start && !split_vma(v, start))
		return -ENOMEM;
	v = find_vma(vm, end);
	if (v && v->start < end && !split_vma(v, end))
		return -ENOMEM;
	return 0;
}

static int unmap_locked(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	int err = split_at_bounds(vm, start, end);

	if (err)
		return err;
	list_for_each_safe (it, tmp, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		if (v->start >= start && v->end <= end) {
			list_remove(&v->node);
			kfree(v);
		}
	}
	drop_pages(vm, start, end);
	return 0;
}

static bool range_free(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		if (v->start < end && start < v->end)
			return false;
	}
	return true;
}

/* Highest free range of `len` bytes below mmap_top, or 0. */
static uintptr_t find_free_range(struct vm_space *vm, size_t len)
{
	uintptr_t cand = vm->mmap_top - len;

	for (;;) {
		bool moved = false;
		if (cand < VM_MIN_ADDR || cand > vm->mmap_top)
			return 0;
		list_for_each (it, &vm->vmas) {
			struct vma *v = list_entry(it, struct vma, node);
			if (v->start < cand + len && cand < v->end) {
				cand = v->start - len;
				moved = true;
				break;
			}
		}
		if (!moved)
			return cand;
	}
}

static int populate_locked(struct vm_space *vm, struct vma *v);

long vm_map(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot, unsigned flags)
{
	uintptr_t limit = vm_user_limit(), start;
	struct vma *v;
	long ret;

	if (len == 0 || (addr & (PAGE_SIZE - 1)))
		return (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) || len == 0 ? -EINVAL : -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len > limit)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr < VM_MIN_ADDR || addr > limit - len) {
			ret = -ENOMEM;
			goto out;
		}
		if (!range_free(vm, addr, addr + len)) {
			if (flags & MAP_FIXED_NOREPLACE) {
				ret = -EEXIST;
				goto out;
			}
			if ((ret = unmap_locked(vm, addr, addr + len)))
				goto out;
		}
		start = addr;
	} else if (addr >= VM_MIN_ADDR && addr <= limit - len && range_free(vm, addr, addr + len)) {
		start = addr; /* the hint is usable */
	} else if (!(start = find_free_range(vm, len))) {
		ret = -ENOMEM;
		goto out;
	}
	v = kzalloc(sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto out;
	}
	v->start = start;
	v->end = start + len;
	v->prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	v->flags = flags & (MAP_SHARED | MAP_PRIVATE | MAP_GROWSDOWN);
	insert_vma(vm, v);
	merge_adjacent(vm);
	v = find_vma(vm, start);
	/* Shared anonymous memory must be the same pages in every process that
	 * inherits it, so it cannot be filled lazily after a fork. */
	if ((v->flags & MAP_SHARED) || (flags & MAP_POPULATE)) {
		if (populate_locked(vm, v)) {
			unmap_locked(vm, v->start, v->end);
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = (long)start;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

int vm_unmap(struct vm_space *vm, uintptr_t addr, size_t len)
{
	int err;

	/* As Linux: the range must lie below the user limit (which is page
	 * aligned, so rounding len up cannot cross it). */
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || len > vm_user_limit() || addr > vm_user_limit() - len)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&vm->lock);
	err = unmap_locked(vm, addr, addr + len);
	mutex_unlock(&vm->lock);
	return err;
}

/* Demand paging and copy-on-write. vm->lock held. */
static int fault_locked(struct vm_space *vm, uintptr_t addr, unsigned access)
{
	struct vma *v = find_vma(vm, addr);
	uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	pte_t *pte;

	if (!v)
		return -EFAULT;
	if (((access & USER_ACCESS_WRITE) && !(v->prot & PROT_WRITE)) ||
	    ((access & USER_ACCESS_EXEC) && !(v->prot & PROT_EXEC)) ||
	    !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EFAULT;
	pte = pgtable_walk(vm->pml4, page, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & PTE_P)) {
		paddr_t pa = page_alloc_shared();
		if (!pa)
			return -ENOMEM;
		memset(plat_phys_to_virt(pa), 0, PAGE_SIZE);
		*pte = pa | leaf_flags(v, true);
		vm->resident_pages++;
		return 0;
	}
	if ((access & USER_ACCESS_WRITE) && !(*pte & PTE_W)) {
		paddr_t old = pte_addr(*pte);
		if ((v->flags & MAP_SHARED) || page_ref_count(old) == 1) {
			*pte |= PTE_W; /* the last sharer keeps the page */
		} else {
			paddr_t pa = page_alloc_shared();
			if (!pa)
				return -ENOMEM;
			memcpy(plat_phys_to_virt(pa), plat_phys_to_virt(old), PAGE_SIZE);
			*pte = pa | leaf_flags(v, true);
			page_ref_put(old);
		}
		invalidate(vm, page, page + PAGE_SIZE);
	}
	return 0;
}

int vm_fault(struct vm_space *vm, uintptr_t addr, unsigned access)
{
	int err;

	mutex_lock(&vm->lock);
	err = fault_locked(vm, addr, access);
	mutex_unlock(&vm->lock);
	return err == -ENOMEM ? -EFAULT : err;
}

static int populate_locked(struct vm_space *vm, struct vma *v)
{
	for (uintptr_t a = v->start; a < v->end; a += PAGE_SIZE) {
		pte_t *pte = pgtable_walk(vm->pml4, a, true);
		if (!pte)
			return -ENOMEM;
		if (!(*pte & PTE_P)) {
			paddr_t pa = page_alloc_shared();
			if (!pa)
				return -ENOMEM;
			memset(plat_phys_to_virt(pa), 0, PAGE_SIZE);
			*pte = pa | leaf_flags(v, true);
			vm->resident_pages++;
		}
	}
	return 0;
}

static bool range_fully_mapped(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	uintptr_t a = start;

	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		if (v->end <= a)
			continue;
		if (v->start > a)
			return false;
		a = v->end;
		if (a >= end)
			return true;
	}
	return a >= end;
}

bool vm_range_mapped(struct vm_space *vm, uintptr_t start, uintptr_t end)
{
	bool mapped;

	if (end > vm_user_limit() || end < start)
		return false;
	mutex_lock(&vm->lock);
	mapped = range_fully_mapped(vm, start, end);
	mutex_unlock(&vm->lock);
	return mapped;
}

struct reprotect_ctx {
	struct vma *v;
};

static void reprotect_page(uintptr_t va, pte_t *pte, void *arg)
{
	struct vma *v = ((struct reprotect_ctx *)arg)->v;
	paddr_t pa = pte_addr(*pte);
	bool exclusive = (v->flags & MAP_SHARED) || page_ref_count(pa) == 1;

	*pte = pa | leaf_flags(v, exclusive);
}

int vm_protect(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot)
{
	uintptr_t end;
	int err;

	if ((addr & (PAGE_SIZE - 1)) || prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (len == 0)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE); /* 0 when len is within a page of 2^64: ENOMEM below, as Linux */
	end = addr + len;
	if (end <= addr)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	if (!range_fully_mapped(vm, addr, end)) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = split_at_bounds(vm, addr, end)))
		goto out;
	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		if (v->start >= addr && v->end <= end) {
			struct reprotect_ctx c = {v};
			v->prot = prot;
			pgtable_for_each(vm->pml4, v->start, v->end, reprotect_page, &c);
		}
	}
	invalidate(vm, addr, end);
	merge_adjacent(vm);
out:
	mutex_unlock(&vm->lock);
	return err;
}

int vm_discard(struct vm_space *vm, uintptr_t addr, size_t len)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&vm->lock);
	/* Shared pages stay: other processes see the same memory. */
	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		uintptr_t s = MAX(v->start, addr), e = MIN(v->end, addr + len);
		if (s < e && !(v->flags & MAP_SHARED))
			drop_pages(vm, s, e);
	}
	mutex_unlock(&vm->lock);
	return 0;
}

struct move_ctx {
	struct vm_space *vm;
	intptr_t delta;
	int err;
};

static void move_page(uintptr_t va, pte_t *pte, void *arg)
{
	struct move_ctx *c = arg;
	pte_t *dst = pgtable_walk(c->vm->pml4, (uintptr_t)((intptr_t)va + c->delta), true);

	if (!dst) {
		c->err = -ENOMEM;
		return;
	}
	*dst = *pte;
	*pte = 0;
}

long vm_remap(struct vm_space *vm, uintptr_t old, size_t old_len, size_t new_len, unsigned flags, uintptr_t new_addr)
{
	struct vma *v;
	long ret;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) ||
	    (old & (PAGE_SIZE - 1)))
		return -EINVAL;
	/* Lengths are checked after rounding, as Linux does: one that wraps
	 * to 0 is invalid, not an unmap of everything. */
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (new_len == 0 || new_len > vm_user_limit())
		return -EINVAL;
	/* The target is checked before the source is looked up. */
	if ((flags & MREMAP_FIXED) &&
	    ((new_addr & (PAGE_SIZE - 1)) || new_addr < VM_MIN_ADDR || new_addr > vm_user_limit() - new_len ||
	     (new_addr < old + old_len && old < new_addr + new_len)))
		return -EINVAL;
	mutex_lock(&vm->lock);
	v = find_vma(vm, old);
	if (!v) {
		ret = -EFAULT;
		goto out;
	}
	/* Neither resizing nor moving: only the start must be mapped. */
	if (new_len == old_len && !(flags & MREMAP_FIXED)) {
		ret = (long)old;
		goto out;
	}
	if (new_len < old_len && !(flags & MREMAP_FIXED)) {
		/* A shrink is an munmap of the tail, with munmap's range check. */
		if (old_len > vm_user_limit() || old > vm_user_limit() - old_len)
			ret = -EINVAL;
		else
			ret = unmap_locked(vm, old + new_len, old + old_len);
		ret = ret ? ret : (long)old;
		goto out;
	}
	if (old_len > v->end - old) {
		ret = -EFAULT;
		goto out;
	}
	/* Linux duplicates a shared mapping for old_len 0; not supported. */
	if (old_len == 0) {
		ret = -EINVAL;
		goto out;
	}
	/* Grow in place when the area ends here and the space after is free. */
	if (!(flags & MREMAP_FIXED) && v->end == old + old_len && old + new_len <= vm_user_limit() &&
	    range_free(vm, old + old_len, old + new_len)) {
		v->end = old + new_len;
		ret = (long)old;
		goto out;
	}
	if (!(flags & MREMAP_MAYMOVE)) {
		ret = -ENOMEM;
		goto out;
	}
	{
		uintptr_t dst;
		struct vma *nv;
		struct move_ctx c = {vm, 0, 0};
		if (flags & MREMAP_FIXED) {
			if ((ret = unmap_locked(vm, new_addr, new_addr + new_len)))
				goto out;
			dst = new_addr;
		} else if (!(dst = find_free_range(vm, new_len))) {
			ret = -ENOMEM;
			goto out;
		}
		v = find_vma(vm, old); /* the unmap may have split it */
		nv = kzalloc(sizeof(*nv));
		if (!nv) {
			ret = -ENOMEM;
			goto out;
		}
		nv->start = dst;
		nv->end = dst + new_len;
		nv->prot = v->prot;
		nv->flags = v->flags;
		c.delta = (intptr_t)dst - (intptr_t)old;
		pgtable_for_each(vm->pml4, old, old + MIN(old_len, new_len), move_page, &c);
		if (c.err) {
			kfree(nv);
			ret = c.err;
			goto out;
		}
		invalidate(vm, old, old + old_len);
		unmap_locked(vm, old, old + old_len);
		insert_vma(vm, nv);
		merge_adjacent(vm);
		ret = (long)dst;
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

uintptr_t vm_set_brk(struct vm_space *vm, uintptr_t brk)
{
	uintptr_t old_end, new_end;

	mutex_lock(&vm->lock);
	if (brk < vm->brk_start || brk >= vm->mmap_top)
		goto out;
	old_end = ALIGN_UP(vm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(brk, PAGE_SIZE);
	if (new_end > old_end) {
		struct vma *v;
		if (!range_free(vm, old_end, new_end) || !(v = kzalloc(sizeof(*v))))
			goto out;
		v->start = old_end;
		v->end = new_end;
		v->prot = PROT_READ | PROT_WRITE;
		v->flags = MAP_PRIVATE;
		insert_vma(vm, v);
		merge_adjacent(vm);
	} else if (new_end < old_end) {
		unmap_locked(vm, new_end, old_end);
	}
	vm->brk = brk;
out:
	brk = vm->brk;
	mutex_unlock(&vm->lock);
	return brk;
}

struct fork_ctx {
	struct vm_space *dst;
	struct vma *v;
	int err;
};

static void fork_page(uintptr_t va, pte_t *pte, void *arg)
{
	struct fork_ctx *c = arg;
	pte_t *d = pgtable_walk(c->dst->pml4, va, true);

	if (!d) {
		c->err = -ENOMEM;
		return;
	}
	if (!(c->v->flags & MAP_SHARED))
		*pte &= ~PTE_W; /* both sides copy on their next write */
	page_ref_get(pte_addr(*pte));
	*d = *pte;
	c->dst->resident_pages++;
}

struct vm_space *vm_fork(struct vm_space *src)
{
	struct vm_space *dst = vm_create();

	if (!dst)
		return NULL;
	mutex_lock(&src->lock);
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_top = src->mmap_top;
	list_for_each (it, &src->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		struct vma *nv = kmalloc(sizeof(*nv));
		struct fork_ctx c = {dst, v, 0};
		if (!nv)
			goto fail;
		*nv = *v;
		list_push_back(&dst->vmas, &nv->node);
		pgtable_for_each(src->pml4, v->start, v->end, fork_page, &c);
		if (c.err)
			goto fail;
	}
	invalidate(src, 0, vm_user_limit());
	mutex_unlock(&src->lock);
	return dst;
fail:
	invalidate(src, 0, vm_user_limit());
	mutex_unlock(&src->lock);
	vm_put(dst);
	return NULL;
}

void vm_put(struct vm_space *vm)
{
	if (__atomic_sub_fetch(&vm->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	mutex_lock(&vm->lock);
	unmap_locked(vm, 0, USER_VA_END);
	mutex_unlock(&vm->lock);
	plat_aspace_destroy(vm->plat);
	pgtable_destroy(vm->pml4);
	kfree(vm);
}

/* --- user copies ------------------------------------------------------ */

/* Returns the kernel address of user byte `addr`, faulting it in for
 * `access`; NULL if the access is not allowed. vm->lock held. */
static uint8_t *user_byte(struct vm_space *vm, uintptr_t addr, unsigned access, bool force)
{
	pte_t *pte = pgtable_walk(vm->pml4, ALIGN_DOWN(addr, PAGE_SIZE), false);
	bool ok = pte && (*pte & PTE_P) && (!(access & USER_ACCESS_WRITE) || (*pte & PTE_W));

	if (!ok) {
		if (force) {
			/* Loaders write into areas that are not writable to the user. */
			struct vma *v = find_vma(vm, addr);
			unsigned saved;
			int err;
			if (!v)
				return NULL;
			saved = v->prot;
			v->prot |= PROT_READ | PROT_WRITE;
			err = fault_locked(vm, addr, access);
			v->prot = saved;
			if (err)
				return NULL;
			pte = pgtable_walk(vm->pml4, ALIGN_DOWN(addr, PAGE_SIZE), false);
			/* The page is now private to us; drop W again if the area says so. */
			if (!(saved & PROT_WRITE))
				*pte &= ~PTE_W;
		} else if (fault_locked(vm, addr, access)) {
			return NULL;
		} else {
			pte = pgtable_walk(vm->pml4, ALIGN_DOWN(addr, PAGE_SIZE), false);
		}
	} else if (!force) {
		struct vma *v = find_vma(vm, addr);
		if (!v || !(v->prot & PROT_READ))
			return NULL;
	}
	return (uint8_t *)plat_phys_to_virt(pte_addr(*pte)) + (addr & (PAGE_SIZE - 1));
}

static int user_copy(struct vm_space *vm, uintptr_t uaddr, void *kbuf, size_t len, bool to_user, bool force)
{
	uint8_t *k = kbuf;

	if (uaddr + len < uaddr || uaddr + len > vm_user_limit())
		return -EFAULT;
	mutex_lock(&vm->lock);
	while (len > 0) {
		size_t chunk = MIN(len, PAGE_SIZE - (uaddr & (PAGE_SIZE - 1)));
		uint8_t *u = user_byte(vm, uaddr, to_user ? USER_ACCESS_WRITE : USER_ACCESS_READ, force);
		if (!u) {
			mutex_unlock(&vm->lock);
			return -EFAULT;
		}
		if (to_user)
			memcpy(u, k, chunk);
		else
			memcpy(k, u, chunk);
		uaddr += chunk;
		k += chunk;
		len -= chunk;
	}
	mutex_unlock(&vm->lock);
	return 0;
}

int copy_from_user(struct vm_space *vm, void *dst, uintptr_t src, size_t len)
{
	return user_copy(vm, src, dst, len, false, false);
}

int copy_to_user(struct vm_space *vm, uintptr_t dst, const void *src, size_t len)
{
	return user_copy(vm, dst, (void *)src, len, true, false);
}

int vm_write_force(struct vm_space *vm, uintptr_t dst, const void *src, size_t len)
{
	return user_copy(vm, dst, (void *)src, len, true, true);
}

long strncpy_from_user(struct vm_space *vm, char *dst, uintptr_t src, size_t max)
{
	size_t n = 0;

	mutex_lock(&vm->lock);
	while (n < max) {
		uint8_t *u;
		size_t chunk;
		if (src + n >= vm_user_limit() || !(u = user_byte(vm, src + n, USER_ACCESS_READ, false))) {
			mutex_unlock(&vm->lock);
			return -EFAULT;
		}
		chunk = MIN(max - n, PAGE_SIZE - ((src + n) & (PAGE_SIZE - 1)));
		for (size_t i = 0; i < chunk; i++, n++) {
			dst[n] = (char)u[i];
			if (!u[i]) {
				mutex_unlock(&vm->lock);
				return (long)n;
			}
		}
	}
	mutex_unlock(&vm->lock);
	return -ENAMETOOLONG;
}
