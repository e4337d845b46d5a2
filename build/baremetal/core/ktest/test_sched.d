build/baremetal/core/ktest/test_sched.o: core/ktest/test_sched.c \
 include/kern/atomic.h include/kern/ktest.h include/kern/types.h \
 include/kern/sched.h include/kern/list.h include/plat/context.h \
 include/kern/sync.h include/kern/spinlock.h include/plat/cpu.h \
 include/kern/timer.h include/plat/time.h
include/kern/atomic.h:
include/kern/ktest.h:
include/kern/types.h:
include/kern/sched.h:
include/kern/list.h:
include/plat/context.h:
include/kern/sync.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/timer.h:
include/plat/time.h:
