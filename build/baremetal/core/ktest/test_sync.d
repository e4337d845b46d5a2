build/baremetal/core/ktest/test_sync.o: core/ktest/test_sync.c \
 include/kern/atomic.h include/kern/ktest.h include/kern/types.h \
 include/kern/sched.h include/kern/list.h include/plat/context.h \
 include/kern/spinlock.h include/plat/cpu.h include/kern/sync.h \
 include/plat/time.h
include/kern/atomic.h:
include/kern/ktest.h:
include/kern/types.h:
include/kern/sched.h:
include/kern/list.h:
include/plat/context.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/sync.h:
include/plat/time.h:
