build/baremetal/core/sched/timer.o: core/sched/timer.c \
 include/kern/atomic.h include/kern/log.h include/kern/stdarg.h \
 include/kern/types.h include/kern/spinlock.h include/plat/cpu.h \
 include/kern/timer.h include/kern/list.h include/plat/time.h
include/kern/atomic.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/timer.h:
include/kern/list.h:
include/plat/time.h:
