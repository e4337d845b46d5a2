/* Thin names over the compiler's atomics, so the memory order of each use is
 * visible at the call site. */
#ifndef KERN_ATOMIC_H
#define KERN_ATOMIC_H
#define atomic_load_relaxed(p) __atomic_load_n(p, __ATOMIC_RELAXED)
#define atomic_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define atomic_store_relaxed(p, v) __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define atomic_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define atomic_fetch_add(p, v) __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_sub(p, v) __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST)
#define atomic_add_fetch(p, v) __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST)
#define atomic_sub_fetch(p, v) __atomic_sub_fetch(p, v, __ATOMIC_SEQ_CST)
#define atomic_exchange(p, v) __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define atomic_cas(p, expp, v) \
	__atomic_compare_exchange_n(p, expp, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define atomic_fetch_or(p, v) __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_and(p, v) __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST)
#define barrier() __asm__ __volatile__("" ::: "memory")
#endif
