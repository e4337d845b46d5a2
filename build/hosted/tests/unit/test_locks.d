build/hosted/tests/unit/test_locks.o: tests/unit/test_locks.c \
 include/kern/atomic.h include/kern/sched.h include/kern/list.h \
 include/kern/types.h include/plat/context.h include/kern/spinlock.h \
 include/plat/cpu.h include/kern/sync.h include/plat/time.h \
 tests/unit/boot.h tests/unit/../../platform-hosted/hosted.h
include/kern/atomic.h:
include/kern/sched.h:
include/kern/list.h:
include/kern/types.h:
include/plat/context.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/sync.h:
include/plat/time.h:
tests/unit/boot.h:
tests/unit/../../platform-hosted/hosted.h:
