/* Per-process file descriptor tables. */
#ifndef KERN_FDTABLE_H
#define KERN_FDTABLE_H
#include <kern/spinlock.h>
#include <kern/types.h>

#define FD_MAX 1024

struct file;

struct fd_table {
	spinlock_t lock;
	int refs;
	struct file *files[FD_MAX];
	uint8_t cloexec[FD_MAX];
};

struct fd_table *fdt_create(void);
/* A copy sharing every open file (fork). */
struct fd_table *fdt_dup(struct fd_table *src);
void fdt_get(struct fd_table *t);
void fdt_put(struct fd_table *t);
/* Installs `f` (taking over the caller's reference) at the lowest free
 * descriptor >= min. Returns it, or -EMFILE. */
int fdt_install(struct fd_table *t, struct file *f, int min, bool cloexec);
/* Installs at exactly `fd`, closing what was there (dup2). */
int fdt_install_at(struct fd_table *t, struct file *f, int fd, bool cloexec);
/* A new reference to the file at `fd`, or NULL. */
struct file *fdt_lookup(struct fd_table *t, int fd);
int fdt_close(struct fd_table *t, int fd);
int fdt_get_cloexec(struct fd_table *t, int fd);
int fdt_set_cloexec(struct fd_table *t, int fd, bool on);
/* Closes every close-on-exec descriptor (execve). */
void fdt_close_on_exec(struct fd_table *t);
#endif
