/* Where a process's argument strings are, for /proc/<pid>/cmdline: Linux
 * reads them as one block from arg_start to arg_end, argv[0] first. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/procfs.h>
#include <kern/string.h>
#include <kern/vm.h>

#define ARGS_MAX (256 * 1024) /* the loader's limit on the argument area */
#define ARGC_MAX 65536

/* Rewrites the strings of block [lo, hi) in argv order and points argv[]
 * at them (the process has not run yet, so nothing else sees this). */
static int reorder(struct vm_space *vm, uintptr_t argv_at, uintptr_t *ptrs, const size_t *lens, uint64_t argc,
                   uintptr_t lo, uintptr_t hi)
{
	char *old = kmalloc(hi - lo), *ordered = kmalloc(hi - lo);
	size_t off = 0;
	int err = old && ordered ? copy_from_user(vm, old, lo, hi - lo) : -1;

	for (uint64_t i = 0; !err && i < argc; i++) {
		memcpy(ordered + off, old + (ptrs[i] - lo), lens[i] + 1);
		ptrs[i] = lo + off;
		off += lens[i] + 1;
	}
	if (!err)
		err = vm_write_force(vm, lo, ordered, hi - lo);
	if (!err)
		err = vm_write_force(vm, argv_at, ptrs, argc * sizeof(uintptr_t));
	kfree(old);
	kfree(ordered);
	return err;
}

void procfs_record_args(struct process *p, struct vm_space *vm, uintptr_t sp)
{
	uintptr_t *ptrs = NULL, lo = ~(uintptr_t)0, hi = 0;
	size_t *lens = NULL, total = 0;
	uint64_t argc;
	bool in_order = true;
	char *scratch = kmalloc(PATH_MAX);

	p->arg_start = p->arg_end = 0;
	if (!scratch || copy_from_user(vm, &argc, sp, sizeof(argc)) || argc == 0 || argc > ARGC_MAX)
		goto out;
	ptrs = kmalloc(argc * sizeof(*ptrs));
	lens = kmalloc(argc * sizeof(*lens));
	if (!ptrs || !lens || copy_from_user(vm, ptrs, sp + 8, argc * sizeof(*ptrs)))
		goto out;
	for (uint64_t i = 0; i < argc; i++) {
		/* Measure each string by reading it in PATH_MAX pieces. */
		size_t len = 0;
		long n;
		while ((n = strncpy_from_user(vm, scratch, ptrs[i] + len, PATH_MAX)) == -ENAMETOOLONG &&
		       len < ARGS_MAX)
			len += PATH_MAX - 1;
		if (n < 0)
			goto out;
		lens[i] = len + (size_t)n;
		total += lens[i] + 1;
		lo = MIN(lo, ptrs[i]);
		hi = MAX(hi, ptrs[i] + lens[i] + 1);
		if (i && ptrs[i] != ptrs[i - 1] + lens[i - 1] + 1)
			in_order = false;
	}
	if (hi - lo != total) {
		/* Not one block: show argv[0] alone. */
		p->arg_start = ptrs[0];
		p->arg_end = ptrs[0] + lens[0] + 1;
		goto out;
	}
	if (!in_order && reorder(vm, sp + 8, ptrs, lens, argc, lo, hi))
		goto out;
	p->arg_start = lo;
	p->arg_end = hi;
out:
	kfree(scratch);
	kfree(ptrs);
	kfree(lens);
}
