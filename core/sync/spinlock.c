/* Ticket spinlocks: FIFO fairness, so no CPU starves under contention. */
#include <kern/atomic.h>
#include <kern/log.h>
#include <kern/spinlock.h>

void spin_init(spinlock_t *l, const char *name)
{
	l->next = 0;
	l->owner = 0;
	l->flags = 0;
	l->holder_cpu = -1;
	l->name = name;
}

void spin_lock_raw(spinlock_t *l)
{
	uint32_t ticket = atomic_fetch_add(&l->next, 1);
	unsigned cpu = plat_cpu_id();

	if (unlikely(l->holder_cpu == (int)cpu && l->owner != ticket))
		panic("spinlock %s: recursive acquire on cpu %u", l->name ? l->name : "?", cpu);
	while (atomic_load_acquire(&l->owner) != ticket)
		plat_cpu_relax();
	l->holder_cpu = (int)cpu;
}

void spin_unlock_raw(spinlock_t *l)
{
	if (unlikely(l->holder_cpu != (int)plat_cpu_id()))
		panic("spinlock %s: released by cpu %u, held by %d", l->name ? l->name : "?", plat_cpu_id(),
		      l->holder_cpu);
	l->holder_cpu = -1;
	atomic_store_release(&l->owner, l->owner + 1);
}

void spin_lock(spinlock_t *l)
{
	irqflags_t f = plat_irq_save();
	spin_lock_raw(l);
	l->flags = f;
}

bool spin_trylock(spinlock_t *l)
{
	irqflags_t f = plat_irq_save();
	uint32_t owner = atomic_load_acquire(&l->owner);
	uint32_t expect = owner;

	if (atomic_cas(&l->next, &expect, owner + 1)) {
		l->holder_cpu = (int)plat_cpu_id();
		l->flags = f;
		return true;
	}
	plat_irq_restore(f);
	return false;
}

void spin_unlock(spinlock_t *l)
{
	irqflags_t f = l->flags;
	spin_unlock_raw(l);
	plat_irq_restore(f);
}

bool spin_held_by_me(const spinlock_t *l)
{
	return l->holder_cpu == (int)plat_cpu_id();
}
