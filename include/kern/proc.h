/* Processes and their threads (tasks). A task is a kernel thread that
 * alternates between running user code (plat_user_enter) and handling the
 * trap that ended the run. */
#ifndef KERN_PROC_H
#define KERN_PROC_H
#include <kern/list.h>
#include <kern/sync.h>
#include <kern/types.h>
#include <kern/vfs.h>
#include <plat/user.h>

#define NSIG 64
#define PROC_COMM_LEN 16

struct vm_space;
struct fd_table;
struct thread;
struct inode;
struct tty;

struct k_sigaction {
	uintptr_t handler; /* SIG_DFL 0, SIG_IGN 1, or a user address */
	uint64_t flags;
	uintptr_t restorer;
	uint64_t mask;
};

enum proc_state { PROC_ALIVE = 1, PROC_ZOMBIE, PROC_REAPED };
enum { PROC_CHANGE_NONE, PROC_CHANGE_STOPPED, PROC_CHANGE_CONTINUED };

struct process {
	int pid, pgid, sid;
	struct process *parent;
	int ppid;                  /* parent ? parent->pid : 0, for getppid without the table lock */
	struct list_node children; /* struct process.sibling */
	struct list_node sibling;
	struct list_node all_node;
	struct list_node tasks;    /* struct task.proc_node */
	unsigned ntasks;
	enum proc_state state;
	int exit_status;           /* wait status: (code << 8) or signal number (| 0x80 core) */
	struct vm_space *vm;
	struct fd_table *fds;
	struct inode *cwd, *root;
	struct tty *ctty;          /* controlling terminal (tty layer's), or NULL */
	unsigned umask;
	struct cred cred;
	uint32_t suid, sgid;       /* saved set-user/group ids */
	char comm[PROC_COMM_LEN];
	uintptr_t arg_start, arg_end; /* argv strings in user memory (/proc/<pid>/cmdline) */
	struct k_sigaction sigactions[NSIG];
	uint64_t sig_pending;      /* process-directed signals */
	struct waitqueue child_wait; /* parents wait here for child state changes */
	volatile unsigned long child_gen; /* bumped (under child_wait.lock) at each change */
	spinlock_t lock;           /* pending signals, state, task list */
	ktime_t start_time;
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;
	uint64_t minflt;
	bool group_exiting;        /* exit_group or a fatal signal is under way */
	bool stopped;              /* job control: stopped by a signal */
	int stop_sig;
	int state_change;          /* PROC_CHANGE_*: a stop/continue not yet reported to wait */
	struct waitqueue cont_wait; /* stopped tasks wait here for SIGCONT */
	int exit_signal;           /* sent to the parent on exit (clone's CSIGNAL) */
	volatile bool *vfork_done; /* a vfork parent waits until exec or exit */
	struct waitqueue *vfork_wq;
	struct semaphore *on_exit; /* kernel-spawned: posted with the status */
	int *on_exit_status;
};

struct task {
	int tid;
	struct process *proc;
	struct thread *kthread;
	struct list_node proc_node;
	struct user_regs regs;
	uint64_t sig_blocked;
	uint64_t sig_pending;        /* thread-directed signals */
	uintptr_t clear_child_tid;
	uintptr_t sigalt_sp;
	size_t sigalt_size;
	int sigalt_flags;
	volatile bool exiting;
	int exit_code;
	uint64_t saved_sigmask;      /* restored after a sigsuspend-style wait */
	bool restore_sigmask;
	bool regs_restored;          /* rt_sigreturn/execve replaced every register */
	bool restart_syscall;        /* the last syscall returned -ERESTARTSYS */
	uint64_t restart_nr;
	struct {
		int code, pid;
		uint32_t uid;
		uint64_t addr;
	} sig_info[NSIG];            /* what the siginfo of a pending signal says */
};

/* Boot-time set-up of the process table. */
void proc_init(void);

/* The task the calling kernel thread runs, or NULL for kernel threads. */
struct task *task_current(void);
struct process *proc_current(void);
struct process *proc_find(int pid);
void proc_table_lock(void);
void proc_table_unlock(void);

/* Starts the first user process: runs `path` (from the file system) with
 * argv/envp. `done`, if not NULL, is posted with the wait status in
 * *status_out when it exits. Returns its pid or -errno. */
int proc_spawn_init(const char *path, const char *const *argv, const char *const *envp, int *status_out,
		    struct semaphore *done);
/* The same from an in-memory image (tests, early boot). `done`, if not
 * NULL, receives the wait status when the process has exited. */
int proc_spawn_image(const void *image, size_t size, const char *const *argv, const char *const *envp,
		     int *status_out, struct semaphore *done);

/* Ends the calling task (and, for exit_group, every task of its process). */
NORETURN void task_exit(int code, bool group);
/* Sending signals (Linux numbers, 1..64). They return 0 or -errno
 * (-ESRCH when nothing matched). Permission checks are the caller's. */
int signal_send_process(struct process *p, int sig);
int signal_send_pgrp(int pgid, int sig);
int signal_send_task(struct task *t, int sig);
/* True if the calling task has a signal it should act on now: blocking
 * calls return -EINTR (or restart) when it is. */
bool current_signal_pending(void);

/* POSIX: a process group is orphaned when no live member has a parent in
 * another group of the same session (job control's SIGTTIN/SIGTSTP rules). */
bool proc_pgrp_orphaned(int pgid);
/* The session of process group `pgid`, or -ESRCH if it has no live member. */
int proc_pgrp_session(int pgid);

/* Terminates the whole process because of a signal. */
NORETURN void proc_exit_signal(int sig, bool core);

/* The user-mode loop of a task (entry of its kernel thread). */
void task_run(void *arg);
#endif
