build/baremetal/core/panic.o: core/panic.c include/kern/atomic.h \
 include/kern/console.h include/kern/types.h include/kern/ksym.h \
 include/kern/log.h include/kern/stdarg.h include/kern/printf.h \
 include/kern/sched.h include/kern/list.h include/plat/context.h \
 include/plat/cpu.h include/plat/entry.h include/plat/power.h
include/kern/atomic.h:
include/kern/console.h:
include/kern/types.h:
include/kern/ksym.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/printf.h:
include/kern/sched.h:
include/kern/list.h:
include/plat/context.h:
include/plat/cpu.h:
include/plat/entry.h:
include/plat/power.h:
