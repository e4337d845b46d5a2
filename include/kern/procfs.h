/* procfs hooks for the process code (the file system itself registers in
 * vfs_init and is mounted on /proc by rootfs_init). */
#ifndef KERN_PROCFS_H
#define KERN_PROCFS_H
#include <kern/types.h>

struct process;
struct vm_space;

/* Called by exec once the new stack is built (sp: its initial rsp, at
 * argc): records where the argument strings lie for /proc/<pid>/cmdline,
 * first laying them out in argv order if the loader placed them otherwise. */
void procfs_record_args(struct process *p, struct vm_space *vm, uintptr_t sp);
#endif
