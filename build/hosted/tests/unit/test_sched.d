build/hosted/tests/unit/test_sched.o: tests/unit/test_sched.c \
 include/kern/atomic.h include/kern/sched.h include/kern/list.h \
 include/kern/types.h include/plat/context.h include/kern/sync.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/time.h \
 tests/unit/boot.h tests/unit/../../platform-hosted/hosted.h
include/kern/atomic.h:
include/kern/sched.h:
include/kern/list.h:
include/kern/types.h:
include/plat/context.h:
include/kern/sync.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/time.h:
tests/unit/boot.h:
tests/unit/../../platform-hosted/hosted.h:
