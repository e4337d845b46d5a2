/* Starting programs: building a process image from an ELF executable. */
#include <kern/elf_loader.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/procfs.h>
#include <kern/random.h>
#include <kern/string.h>
#include <kern/tty.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <plat/time.h>

#include "proc_internal.h"

struct mem_image {
	const uint8_t *data;
	size_t size;
};

static long read_mem_image(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_image *m = ctx;

	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (long)len;
}

static void set_comm(struct process *p, const char *path)
{
	const char *base = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	kstrlcpy(p->comm, base, sizeof(p->comm));
}

/* Loads the executable into a new address space and fills the task's
 * registers for its entry. */
int exec_build_image(struct task *t, elf_read_fn read, void *ctx, const char *path, const char *const *argv,
		     const char *const *envp, struct vm_space **vm_out)
{
	struct process *p = t->proc;
	struct vm_space *vm = vm_create();
	struct elf_image img;
	struct user_stack_args sa = {
		.argv = argv,
		.envp = envp,
		.execfn = path,
		.uid = p->cred.uid,
		.euid = p->cred.euid,
		.gid = p->cred.gid,
		.egid = p->cred.egid,
		.random_seed = kernel_seed() ^ ((uint64_t)p->pid << 32) ^ plat_time_ns(),
	};
	long sp;
	int err;

	if (!vm)
		return -ENOMEM;
	err = elf_load(vm, read, ctx, &img);
	if (err) {
		vm_put(vm);
		return err;
	}
	sp = elf_setup_stack(vm, &img, &sa);
	if (sp < 0) {
		vm_put(vm);
		return (int)sp;
	}
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rip = img.entry;
	t->regs.rsp = (uint64_t)sp;
	t->regs.rflags = 0x202;
	procfs_record_args(p, vm, (uintptr_t)sp);
	set_comm(p, path);
	*vm_out = vm;
	return 0;
}

int proc_setup_console_fds(struct process *p)
{
	p->fds = fdt_create();
	if (!p->fds)
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++) {
		struct file *f = console_file_open();
		if (!f || fdt_install(p->fds, f, fd, false) != fd)
			return -ENOMEM;
	}
	return 0;
}

int proc_spawn_image(const void *image, size_t size, const char *const *argv, const char *const *envp,
		     int *status_out, struct semaphore *done)
{
	struct mem_image m = {image, size};
	struct process *p = proc_alloc(NULL);
	struct task *t;
	int err;

	if (!p)
		return -ENOMEM;
	p->on_exit = done;
	p->on_exit_status = status_out;
	/* A program the kernel starts for itself (a test) leads its own session
	 * on the console, as if logged in there. */
	p->sid = p->pgid = p->pid;
	t = task_alloc(p);
	err = t ? proc_setup_console_fds(p) : -ENOMEM;
	if (!err)
		err = exec_build_image(t, read_mem_image, &m, argv && argv[0] ? argv[0] : "image", argv, envp, &p->vm);
	if (!err) {
		p->root = vfs_root(); /* each call is a new reference; NULL before the root exists */
		p->cwd = vfs_root();
	}
	if (!err) {
		t->tid = p->pid;
		err = task_start(t);
	}
	if (err) {
		pr_err("spawn: cannot start %s: error %d", argv && argv[0] ? argv[0] : "image", err);
		proc_table_lock();
		if (t) {
			list_remove(&t->proc_node);
			kfree(t);
		}
		if (p->fds)
			fdt_put(p->fds);
		if (p->vm)
			vm_put(p->vm);
		proc_free(p);
		proc_table_unlock();
	}
	return err ? err : p->pid;
}
