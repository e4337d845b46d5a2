build/baremetal/core/monitor.o: core/monitor.c include/kern/cmdline.h \
 include/kern/types.h include/kern/console.h include/kern/ktest.h \
 include/kern/log.h include/kern/stdarg.h include/kern/mm.h \
 include/kern/list.h include/kern/spinlock.h include/plat/cpu.h \
 include/plat/mem.h include/kern/monitor.h include/kern/sched.h \
 include/plat/context.h include/kern/string.h include/plat/power.h \
 include/plat/time.h
include/kern/cmdline.h:
include/kern/types.h:
include/kern/console.h:
include/kern/ktest.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/mm.h:
include/kern/list.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
include/kern/monitor.h:
include/kern/sched.h:
include/plat/context.h:
include/kern/string.h:
include/plat/power.h:
include/plat/time.h:
