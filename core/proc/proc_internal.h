#ifndef CORE_PROC_INTERNAL_H
#define CORE_PROC_INTERNAL_H
#include <kern/proc.h>

#define PID_MAX 32768

struct process *proc_find_locked(int pid);
struct process *proc_alloc(struct process *parent);
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
struct vm_space;
/* Loads an executable into a new address space for task t and sets its
 * entry registers; *vm_out receives the address space. */
int exec_build_image(struct task *t, long (*read)(void *ctx, uint64_t off, void *buf, size_t len), void *ctx,
		     const char *path, const char *const *argv, const char *const *envp, struct vm_space **vm_out);
#endif
