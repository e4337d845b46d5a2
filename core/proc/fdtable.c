#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/vfs.h>

struct fd_table *fdt_create(void)
{
	struct fd_table *t = kzalloc(sizeof(*t));

	if (t) {
		spin_init(&t->lock, "fdtable");
		t->refs = 1;
	}
	return t;
}

struct fd_table *fdt_dup(struct fd_table *src)
{
	struct fd_table *t = fdt_create();

	if (!t)
		return NULL;
	spin_lock(&src->lock);
	for (int i = 0; i < FD_MAX; i++) {
		if (src->files[i]) {
			t->files[i] = file_get(src->files[i]);
			t->cloexec[i] = src->cloexec[i];
		}
	}
	spin_unlock(&src->lock);
	return t;
}

void fdt_get(struct fd_table *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

void fdt_put(struct fd_table *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int i = 0; i < FD_MAX; i++)
		if (t->files[i])
			file_put(t->files[i]);
	kfree(t);
}

int fdt_install(struct fd_table *t, struct file *f, int min, bool cloexec)
{
	if (min < 0 || min >= FD_MAX)
		return -EINVAL;
	spin_lock(&t->lock);
	for (int i = min; i < FD_MAX; i++) {
		if (!t->files[i]) {
			t->files[i] = f;
			t->cloexec[i] = cloexec;
			spin_unlock(&t->lock);
			return i;
		}
	}
	spin_unlock(&t->lock);
	return -EMFILE;
}

int fdt_install_at(struct fd_table *t, struct file *f, int fd, bool cloexec)
{
	struct file *old;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	old = t->files[fd];
	t->files[fd] = f;
	t->cloexec[fd] = cloexec;
	spin_unlock(&t->lock);
	if (old)
		file_put(old); /* outside the spinlock: release may sleep */
	return fd;
}

struct file *fdt_lookup(struct fd_table *t, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	spin_lock(&t->lock);
	if (t->files[fd])
		f = file_get(t->files[fd]);
	spin_unlock(&t->lock);
	return f;
}

int fdt_close(struct fd_table *t, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	f = t->files[fd];
	t->files[fd] = NULL;
	t->cloexec[fd] = 0;
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fdt_get_cloexec(struct fd_table *t, int fd)
{
	int r;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	r = t->files[fd] ? t->cloexec[fd] : -EBADF;
	spin_unlock(&t->lock);
	return r;
}

int fdt_set_cloexec(struct fd_table *t, int fd, bool on)
{
	int r = 0;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	if (t->files[fd])
		t->cloexec[fd] = on;
	else
		r = -EBADF;
	spin_unlock(&t->lock);
	return r;
}

void fdt_close_on_exec(struct fd_table *t)
{
	for (int i = 0; i < FD_MAX; i++) {
		struct file *f = NULL;
		spin_lock(&t->lock);
		if (t->files[i] && t->cloexec[i]) {
			f = t->files[i];
			t->files[i] = NULL;
			t->cloexec[i] = 0;
		}
		spin_unlock(&t->lock);
		if (f)
			file_put(f);
	}
}
