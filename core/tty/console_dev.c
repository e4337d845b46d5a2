/* The console as a file: what a process's descriptors 0-2 start as.
 * Reads block for at least one byte; writes go to the console. (The tty
 * line discipline with job control builds on this.) */
#include <kern/abi/fcntl.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/tty.h>
#include <kern/vfs.h>

static ssize_t console_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	char *out = buf;

	if (len == 0)
		return 0;
	out[0] = console_getc();
	return 1;
}

static ssize_t console_write_op(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	console_write(buf, len);
	return (ssize_t)len;
}

static const struct file_ops console_fops = {
	.read = console_read,
	.write = console_write_op,
};

struct file *console_file_open(void)
{
	return file_alloc(NULL, &console_fops, O_RDWR, NULL);
}
