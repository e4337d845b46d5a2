build/baremetal/core/sched/sched.o: core/sched/sched.c \
 include/kern/atomic.h include/kern/log.h include/kern/stdarg.h \
 include/kern/types.h include/kern/mm.h include/kern/list.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/mem.h \
 include/kern/printf.h include/kern/sched.h include/plat/context.h \
 include/kern/string.h include/kern/sync.h include/kern/timer.h \
 include/plat/entry.h include/plat/time.h core/sched/sched_internal.h
include/kern/atomic.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/mm.h:
include/kern/list.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
include/kern/printf.h:
include/kern/sched.h:
include/plat/context.h:
include/kern/string.h:
include/kern/sync.h:
include/kern/timer.h:
include/plat/entry.h:
include/plat/time.h:
core/sched/sched_internal.h:
