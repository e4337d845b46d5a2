build/baremetal/core/sync/waitqueue.o: core/sync/waitqueue.c \
 include/kern/log.h include/kern/stdarg.h include/kern/types.h \
 include/kern/sched.h include/kern/list.h include/plat/context.h \
 include/kern/sync.h include/kern/spinlock.h include/plat/cpu.h \
 include/kern/timer.h include/plat/time.h \
 core/sync/../sched/sched_internal.h
include/kern/log.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/sched.h:
include/kern/list.h:
include/plat/context.h:
include/kern/sync.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/timer.h:
include/plat/time.h:
core/sync/../sched/sched_internal.h:
