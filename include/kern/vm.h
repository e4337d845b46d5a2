/* User address spaces: a list of mapped areas over x86-64 page tables,
 * demand paging, copy-on-write fork, and checked copies to and from user
 * memory (through the kernel's direct map, so they work identically on
 * both platforms). */
#ifndef KERN_VM_H
#define KERN_VM_H
#include <kern/list.h>
#include <kern/sync.h>
#include <kern/types.h>

struct plat_aspace;

struct vma {
	uintptr_t start, end; /* page-aligned, end exclusive */
	unsigned prot;        /* PROT_* */
	unsigned flags;       /* MAP_SHARED / MAP_PRIVATE, MAP_GROWSDOWN */
	struct list_node node;
};

struct vm_space {
	struct mutex lock;
	paddr_t pml4;
	struct plat_aspace *plat;
	struct list_node vmas; /* sorted by start, non-overlapping */
	uintptr_t brk_start, brk;
	uintptr_t mmap_top;    /* new mappings go below this, top-down */
	int refs;
	size_t resident_pages;
};

/* Top of the user range the kernel hands out (below what the platform
 * reserves for itself). */
uintptr_t vm_user_limit(void);

struct vm_space *vm_create(void);
void vm_get(struct vm_space *vm);
void vm_put(struct vm_space *vm);
/* A copy-on-write copy for fork(). NULL when out of memory. */
struct vm_space *vm_fork(struct vm_space *src);

/* mmap semantics for anonymous memory: returns the address or -errno. */
long vm_map(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot, unsigned flags);
int vm_unmap(struct vm_space *vm, uintptr_t addr, size_t len);
int vm_protect(struct vm_space *vm, uintptr_t addr, size_t len, unsigned prot);
/* Whether every page of [start, end) belongs to some area. */
bool vm_range_mapped(struct vm_space *vm, uintptr_t start, uintptr_t end);
/* MADV_DONTNEED: drop the pages, so the next touch reads zeros. */
int vm_discard(struct vm_space *vm, uintptr_t addr, size_t len);
long vm_remap(struct vm_space *vm, uintptr_t old, size_t old_len, size_t new_len, unsigned flags, uintptr_t new_addr);
/* brk semantics: returns the new (or unchanged) break. */
uintptr_t vm_set_brk(struct vm_space *vm, uintptr_t brk);

/* Resolves a fault at `addr` for `access` (USER_ACCESS_* bits). Returns 0 if
 * the access may now be retried, -EFAULT if it is a segmentation fault. */
int vm_fault(struct vm_space *vm, uintptr_t addr, unsigned access);

/* Copies between kernel buffers and user memory of `vm`, faulting pages in
 * as the user's own access would. Return 0 or -EFAULT. */
int copy_from_user(struct vm_space *vm, void *dst, uintptr_t src, size_t len);
int copy_to_user(struct vm_space *vm, uintptr_t dst, const void *src, size_t len);
/* Copies a NUL-terminated string of at most max-1 bytes; returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(struct vm_space *vm, char *dst, uintptr_t src, size_t max);
/* Kernel writes into user memory regardless of protection (loaders). */
int vm_write_force(struct vm_space *vm, uintptr_t dst, const void *src, size_t len);
#endif
