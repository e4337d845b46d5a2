/* execve: replace the calling process's program. */
#include <kern/abi/fcntl.h>
#include <kern/abi/signal.h>
#include <kern/abi/stat.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vfs.h>
#include <kern/vm.h>

#include "proc_internal.h"

#define EXEC_MAX_ARGS  4096
#define EXEC_ARG_BYTES (128 * 1024) /* argv + envp strings, like Linux's per-exec budget */
#define SHEBANG_MAX    256
#define INTERP_DEPTH   4

/* argv/envp copied into the kernel: one buffer of strings plus pointers. */
struct exec_strings {
	char **v;
	unsigned n, cap;
	size_t bytes;
};

static void strings_free(struct exec_strings *s)
{
	for (unsigned i = 0; i < s->n; i++)
		kfree(s->v[i]);
	kfree(s->v);
	memset(s, 0, sizeof(*s));
}

static int strings_push(struct exec_strings *s, const char *str, size_t len)
{
	char *copy;

	if (s->n + 2 > s->cap) {
		unsigned cap = s->cap ? s->cap * 2 : 16;
		char **v;
		if (cap > EXEC_MAX_ARGS + 8)
			return -E2BIG;
		v = kzalloc(cap * sizeof(char *));
		if (!v)
			return -ENOMEM;
		if (s->v)
			memcpy(v, s->v, s->n * sizeof(char *));
		kfree(s->v);
		s->v = v;
		s->cap = cap;
	}
	s->bytes += len + 1;
	if (s->bytes > EXEC_ARG_BYTES)
		return -E2BIG;
	copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	s->v[s->n++] = copy;
	s->v[s->n] = NULL;
	return 0;
}

static int strings_from_user(struct exec_strings *s, uintptr_t uvec)
{
	struct vm_space *vm = proc_current()->vm;
	char *buf;
	int err = 0;

	if (!uvec)
		return 0;
	buf = kmalloc(PATH_MAX * 8);
	if (!buf)
		return -ENOMEM;
	for (unsigned i = 0; !err; i++) {
		uint64_t p;
		long len;
		if (i >= EXEC_MAX_ARGS) {
			err = -E2BIG;
			break;
		}
		if (copy_from_user(vm, &p, uvec + i * 8, 8)) {
			err = -EFAULT;
			break;
		}
		if (!p)
			break;
		len = strncpy_from_user(vm, buf, p, PATH_MAX * 8);
		if (len < 0)
			err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
		else
			err = strings_push(s, buf, (size_t)len);
	}
	kfree(buf);
	return err;
}

static long read_file(void *ctx, uint64_t off, void *buf, size_t len)
{
	return vfs_pread(ctx, buf, len, (int64_t)off);
}

/* Opens `path` for execution: a regular file with exec permission. */
static int open_exec(struct process *p, const char *path, struct file **out)
{
	struct vfs_ctx ctx = {&p->cred, p->root, p->cwd};
	struct file *f;
	int err = vfs_openat(&ctx, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	if (!f->inode || !S_ISREG(f->inode->mode)) {
		file_put(f);
		return -EACCES;
	}
	err = inode_permission(&p->cred, f->inode, MAY_EXEC);
	if (err) {
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

/* "#!interp [arg]": returns 1 and fills interp/arg when the file is a script. */
static int parse_shebang(struct file *f, char *interp, char *arg)
{
	char line[SHEBANG_MAX];
	ssize_t n = vfs_pread(f, line, sizeof(line) - 1, 0);
	char *p, *end;

	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = '\0';
	end = strchr(line, '\n');
	if (!end) {
		if (n == (ssize_t)sizeof(line) - 1)
			return -ENOEXEC; /* interpreter line too long */
		end = line + n;
	}
	*end = '\0';
	p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	kstrlcpy(interp, p, SHEBANG_MAX);
	for (char *q = interp; *q; q++) {
		if (*q == ' ' || *q == '\t') {
			*q++ = '\0';
			while (*q == ' ' || *q == '\t')
				q++;
			/* Linux passes the rest of the line as one argument. */
			kstrlcpy(arg, q, SHEBANG_MAX);
			for (size_t l = strlen(arg); l > 0 && (arg[l - 1] == ' ' || arg[l - 1] == '\t'); l--)
				arg[l - 1] = '\0';
			return 1;
		}
	}
	arg[0] = '\0';
	return 1;
}

/* The parts of a process that do not survive exec. */
static void exec_reset_process(struct task *t)
{
	struct process *p = t->proc;

	fdt_close_on_exec(p->fds);
	spin_lock(&p->lock);
	for (int i = 0; i < NSIG; i++) {
		/* Caught signals revert to default; ignored ones stay ignored. */
		if (p->sigactions[i].handler > SIG_IGN) {
			p->sigactions[i].handler = SIG_DFL;
			p->sigactions[i].flags = 0;
			p->sigactions[i].mask = 0;
		}
	}
	spin_unlock(&p->lock);
	t->sigalt_sp = 0;
	t->sigalt_size = 0;
	t->clear_child_tid = 0;
}

/* Runs `path` (an executable or a #! script) in place of the task's
 * program. On success the task's registers point at the new entry; the old
 * address space is gone. argv/envp are kernel copies (consumed); `opened`,
 * if not NULL, is `path` already opened by open_exec (consumed). */
static int exec_path(struct task *t, const char *path_in, struct file *opened, struct exec_strings *argv,
                     struct exec_strings *envp)
{
	struct process *p = t->proc;
	char *path = kmalloc(PATH_MAX), *interp = kmalloc(SHEBANG_MAX), *iarg = kmalloc(SHEBANG_MAX);
	struct vm_space *new_vm = NULL, *old_vm;
	struct file *f = opened;
	int err;

	if (!path || !interp || !iarg) {
		err = -ENOMEM;
		goto out;
	}
	kstrlcpy(path, path_in, PATH_MAX);
	for (int depth = 0;; depth++) {
		int sb;
		if (!f && (err = open_exec(p, path, &f)))
			goto out;
		sb = parse_shebang(f, interp, iarg);
		if (sb <= 0) {
			err = sb;
			if (err)
				goto out;
			break;
		}
		if (depth == INTERP_DEPTH) {
			err = -ELOOP;
			goto out;
		}
		file_put(f);
		f = NULL;
		/* argv becomes: interp [arg] path argv[1..]. */
		{
			struct exec_strings nv = {0};
			err = strings_push(&nv, interp, strlen(interp));
			if (!err && iarg[0])
				err = strings_push(&nv, iarg, strlen(iarg));
			if (!err)
				err = strings_push(&nv, path, strlen(path));
			for (unsigned i = 1; !err && i < argv->n; i++)
				err = strings_push(&nv, argv->v[i], strlen(argv->v[i]));
			strings_free(argv);
			*argv = nv;
			if (err)
				goto out;
		}
		kstrlcpy(path, interp, PATH_MAX);
	}
	/* Linux gives an empty argv an empty argv[0], so argc is never 0. */
	if (argv->n == 0 && (err = strings_push(argv, "", 0)))
		goto out;
	err = exec_build_image(t, read_file, f, path, (const char *const *)argv->v,
	                       (const char *const *)(envp->v ? envp->v : (char *[]){NULL}), &new_vm);
	if (err)
		goto out;
	/* Past the point of no return. procfs reads p->vm under the table lock. */
	proc_table_lock();
	old_vm = p->vm;
	p->vm = new_vm;
	proc_table_unlock();
	if (old_vm)
		vm_put(old_vm);
	if (p->fds)
		exec_reset_process(t);
	proc_vfork_release(p);
	t->regs_restored = true;
out:
	if (f)
		file_put(f);
	kfree(path);
	kfree(interp);
	kfree(iarg);
	return err;
}

long sys_execve(long upath, long uargv, long uenvp, long a3, long a4, long a5)
{
	struct task *t = task_current();
	struct process *p = t->proc;
	struct exec_strings argv = {0}, envp = {0};
	char *path = kmalloc(PATH_MAX);
	struct file *f = NULL;
	long err;

	if (!path)
		return -ENOMEM;
	err = strncpy_from_user(p->vm, path, (uintptr_t)upath, PATH_MAX);
	if (err >= 0 && path[0] == '\0')
		err = -ENOENT;
	/* Linux opens the program before it reads argv and envp: a file that
	 * cannot be executed is EACCES even with bad vectors. */
	if (err >= 0)
		err = open_exec(p, path, &f);
	if (!err && !(err = strings_from_user(&argv, (uintptr_t)uargv)))
		err = strings_from_user(&envp, (uintptr_t)uenvp);
	if (!err && p->ntasks > 1) {
		pr_warn("execve: pid %d has %u threads; exec from a threaded process is not supported yet", p->pid,
		        p->ntasks);
		err = -EBUSY;
	}
	if (!err) {
		err = exec_path(t, path, f, &argv, &envp);
		f = NULL;
	}
	if (f)
		file_put(f);
	strings_free(&argv);
	strings_free(&envp);
	kfree(path);
	return err;
}

int proc_spawn_init(const char *path, const char *const *argv_in, const char *const *envp_in, int *status_out,
                    struct semaphore *done)
{
	struct exec_strings argv = {0}, envp = {0};
	struct process *p = proc_alloc(NULL);
	struct task *t;
	int err = 0;

	if (!p)
		return -ENOMEM;
	p->on_exit = done;
	p->on_exit_status = status_out;
	t = task_alloc(p);
	if (!t)
		err = -ENOMEM;
	for (unsigned i = 0; !err && argv_in && argv_in[i]; i++)
		err = strings_push(&argv, argv_in[i], strlen(argv_in[i]));
	for (unsigned i = 0; !err && envp_in && envp_in[i]; i++)
		err = strings_push(&envp, envp_in[i], strlen(envp_in[i]));
	if (!err) {
		p->root = vfs_root();
		p->cwd = vfs_root();
		err = exec_path(t, path, NULL, &argv, &envp);
	}
	/* Only a program that exists gets the console: opening it takes the
	 * console's input away from the kernel monitor. */
	if (!err)
		err = proc_setup_console_fds(p);
	strings_free(&argv);
	strings_free(&envp);
	if (!err) {
		t->tid = p->pid;
		err = task_start(t);
	}
	if (err) {
		pr_err("init: cannot start %s: error %d", path, err);
		proc_table_lock();
		if (t) {
			spin_lock(&p->lock);
			list_remove(&t->proc_node);
			p->ntasks--;
			spin_unlock(&p->lock);
			kfree(t);
		}
		proc_destroy_unstarted(p);
		proc_table_unlock();
		return err;
	}
	return p->pid;
}
