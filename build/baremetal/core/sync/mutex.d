build/baremetal/core/sync/mutex.o: core/sync/mutex.c include/kern/log.h \
 include/kern/stdarg.h include/kern/types.h include/kern/sched.h \
 include/kern/list.h include/plat/context.h include/kern/sync.h \
 include/kern/spinlock.h include/plat/cpu.h include/kern/timer.h \
 include/plat/time.h
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
