/* Pipes (core/ipc/pipe.c). */
#ifndef KERN_PIPE_H
#define KERN_PIPE_H
#include <kern/vfs.h>

#define PIPE_SIZE 65536 /* the ring */
#define PIPE_BUF 4096   /* writes up to this size are atomic */

/* A new pipe: two open files. flags: O_NONBLOCK (O_CLOEXEC is the
 * descriptor table's business). */
int pipe_create(int flags, struct file **read_end, struct file **write_end);
#endif
