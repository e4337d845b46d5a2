/* procfs's pieces (procfs.c: the file system; procfs_pid.c: per-process
 * files; procfs_sys.c: system-wide files). */
#ifndef CORE_FS_PROCFS_INTERNAL_H
#define CORE_FS_PROCFS_INTERNAL_H
#include <kern/printf.h>
#include <kern/vfs.h>

/* A growing text buffer that a file's content is generated into. */
struct pbuf {
	char *data;
	size_t len, cap;
	bool oom;
};
void pbuf_printf(struct pbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void pbuf_put(struct pbuf *b, const void *data, size_t len);

/* One name in /proc or /proc/<pid>. Files generate their content at open
 * (show), symlinks their target at readlink (link). `pid` is 0 for
 * system-wide entries. Both return 0 or -errno (-ESRCH: the process is
 * gone). */
struct procfs_entry {
	const char *name;
	uint32_t mode;
	int (*show)(struct pbuf *b, int pid);
	int (*link)(struct pbuf *b, int pid); /* relative to the reader's root */
};

extern const struct procfs_entry procfs_root_entries[];
extern const size_t procfs_root_count;
extern const struct procfs_entry procfs_pid_entries[];
extern const size_t procfs_pid_count;

/* /proc/mounts and /proc/<pid>/mounts (procfs_sys.c). */
int procfs_show_mounts(struct pbuf *b, int pid);

struct process;
/* Linux's one-letter state (R, S, T, Z) of a process; table lock held. */
char procfs_proc_state(struct process *p);
/* Live processes with a running or runnable thread; takes the table lock. */
unsigned procfs_count_running(unsigned *threads, int *max_pid);

/* procfs_pid.c: whether a pid is a live (not reaped) process, and its
 * owner for the /proc/<pid> inodes. */
bool procfs_pid_alive(int pid, uint32_t *uid, uint32_t *gid);
/* Pids of all processes above `after`, ascending; returns the count. */
size_t procfs_list_pids(int after, int *out, size_t max);
#endif
