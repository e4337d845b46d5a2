#ifndef CORE_PROC_INTERNAL_H
#define CORE_PROC_INTERNAL_H
#include <kern/proc.h>

#define PID_MAX 32768

struct process *proc_find_locked(int pid);
/* Every process, table lock held. */
extern struct list_node proc_all_list;
#define for_each_process(p)                                                           \
	for (struct list_node *_it = proc_all_list.next;                              \
	     _it != &proc_all_list && ((p) = list_entry(_it, struct process, all_node)); \
	     _it = _it->next)
struct process *proc_alloc(struct process *parent);
/* Descriptors 0-2 on the console. */
int proc_setup_console_fds(struct process *p);
/* A new pid/tid, table lock held. */
int proc_alloc_id(void);
/* Frees a process that never ran (clone failed), table lock held. */
void proc_destroy_unstarted(struct process *p);
/* Lets a vfork parent go on (the child exec'd or exited). */
void proc_vfork_release(struct process *p);
void proc_free(struct process *p);
struct task *task_alloc(struct process *p);
int task_start(struct task *t);
NORETURN void task_finish(struct task *t);
/* SIGCHLD and a wake-up for the parent of a process that changed state. */
void proc_notify_parent(struct process *p);
/* Wakes up to n futex waiters on `uaddr` of process p. */
int futex_wake_address(struct process *p, uintptr_t uaddr, int n);
/* Handles pending signals before returning to user mode. */
void signal_deliver(struct task *t);
/* Converts a CPU exception in user mode into a signal for the task. */
void signal_from_trap(struct task *t, const struct user_trap *trap);
bool signal_pending(struct task *t);
int signal_send_process_info(struct process *p, int sig, int code, int pid, uint32_t uid);
int signal_send_task_info(struct task *t, int sig, int code, int pid, uint32_t uid);
/* SIGCONT's effect: resume a stopped process, drop pending stops. */
void signal_continue(struct process *p);
struct vm_space;
/* Loads an executable into a new address space for task t and sets its
 * entry registers; *vm_out receives the address space. */
int exec_build_image(struct task *t, long (*read)(void *ctx, uint64_t off, void *buf, size_t len), void *ctx,
		     const char *path, const char *const *argv, const char *const *envp, struct vm_space **vm_out);
#endif
