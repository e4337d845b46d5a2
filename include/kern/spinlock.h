/* Spinlocks. Every spinlock disables interrupts on the holding CPU, so an
 * interrupt handler can never spin on a lock its own CPU holds and a thread
 * holding one is never preempted. */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H
#include <kern/types.h>
#include <plat/cpu.h>

typedef struct spinlock {
	volatile uint32_t next;  /* ticket dispenser */
	volatile uint32_t owner; /* ticket being served */
	irqflags_t flags;        /* interrupt state to restore on unlock */
	int holder_cpu;          /* -1 when free; for assertions */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n) { 0, 0, 0, -1, n }

void spin_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
bool spin_held_by_me(const spinlock_t *l);
/* For callers that manage the interrupt state themselves (interrupts must
 * already be disabled), e.g. a lock taken by one thread and released by the
 * next one after a context switch. */
void spin_lock_raw(spinlock_t *l);
void spin_unlock_raw(spinlock_t *l);
#endif
