/* Kernel threads and the scheduler: preemptive, priority-based, with one run
 * queue per CPU and load balancing between them. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H
#include <kern/list.h>
#include <kern/types.h>
#include <plat/context.h>

#define SCHED_NPRIO 32          /* 0 = lowest, 31 = highest */
#define SCHED_PRIO_DEFAULT 16
#define SCHED_SLICE_NS 10000000 /* 10 ms */
#define THREAD_STACK_ORDER 2    /* 16 KiB kernel stacks */
#define CPU_ANY (-1)

enum thread_state {
	THREAD_RUNNING = 1, /* on a CPU */
	THREAD_RUNNABLE,    /* on a run queue */
	THREAD_BLOCKED,     /* waiting; not on any run queue */
	THREAD_DEAD,        /* exited; waiting to be reaped */
};

struct thread {
	struct plat_context ctx;
	int tid;
	char name[24];
	volatile int state;      /* enum thread_state; written under the rq lock */
	int prio;
	volatile unsigned cpu;   /* run queue it belongs to / last ran on */
	int affinity;            /* CPU_ANY or a CPU index */
	volatile int on_cpu;     /* still executing (saving) on some CPU */
	bool detached;           /* freed by the scheduler when it exits */
	volatile bool wake_pending; /* a wake-up arrived while not blocked */
	volatile bool reapable;  /* dead, off its CPU, and its joiners released */
	bool is_idle;
	struct list_node rq_node;
	struct list_node all_node;
	struct list_node wait_node; /* owned by whatever waits on it */
	void *stack;
	void (*fn)(void *);
	void *arg;
	ktime_t slice_end;
	uint64_t switches;       /* times it was switched in */
	uint64_t migrations;
	int exit_code;
	struct waitqueue *exit_wq;
	void *task; /* the user task this thread runs (struct task), or NULL */
};

typedef void (*thread_fn_t)(void *);

void sched_init(void);         /* boot CPU, before any thread is created */
void sched_init_cpu(unsigned cpu); /* every CPU, on its boot stack */
NORETURN void sched_idle_loop(void);

/* Creates a thread that runs fn(arg). Joinable unless detached; returns
 * NULL when out of memory. It starts running at once. */
struct thread *thread_create(thread_fn_t fn, void *arg, const char *name, int prio, int affinity,
			     bool detached);
/* Waits for a joinable thread to exit, frees it and returns its code. */
int thread_join(struct thread *t);
NORETURN void thread_exit(int code);
struct thread *thread_current(void);
void thread_yield(void);
/* Where a long loop in the kernel lets pending interrupts in, and with them
 * a switch the scheduler wants (Linux's cond_resched()). On hardware they
 * arrive by themselves; the hosted platform delivers them only at such
 * points (interrupt enables, waits), so a loop that takes no lock needs
 * one to stay preemptible and to let virtual time pass. */
void sched_preempt_point(void);
/* Moves the calling thread to `cpu` (and pins it there, CPU_ANY unpins). */
void thread_set_affinity(int cpu);
void thread_sleep_ns(ktime_t ns);
/* Sleeps unless interrupted by a signal; returns 0 or -EINTR. */
int thread_sleep_interruptible(ktime_t ns);
/* Whether `t` has a signal pending that should end an interruptible wait
 * (provided by the process layer; false for pure kernel threads). */
bool thread_interrupted(struct thread *t);

/* For the blocking primitives: block the current thread, which the caller
 * has already queued somewhere a waker will find it. `lock` (held, with
 * interrupts disabled by it) is released only once the thread is marked
 * blocked, so a wake-up cannot be lost. */
struct spinlock;
void sched_block_and_unlock(struct spinlock *lock);
/* Makes a blocked thread runnable. Returns false if it was not blocked. */
bool sched_wake(struct thread *t);

struct sched_cpu_stats {
	unsigned nr_runnable;
	uint64_t switches, idle_ns, balanced_in;
	int current_tid;
};
void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *st);
/* Calls fn for every thread (under the thread list lock). */
void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);
unsigned sched_thread_count(void);
/* Sanity checks (used by ktests): each thread is on at most one run queue,
 * at most one CPU runs it, run-queue counts match. */
bool sched_check_invariants(void);
#endif
