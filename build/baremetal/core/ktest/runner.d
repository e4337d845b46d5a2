build/baremetal/core/ktest/runner.o: core/ktest/runner.c \
 include/kern/ktest.h include/kern/types.h include/kern/log.h \
 include/kern/stdarg.h include/kern/mm.h include/kern/list.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/mem.h \
 include/kern/printf.h include/kern/sched.h include/plat/context.h \
 include/kern/string.h include/kern/sync.h include/plat/time.h
include/kern/ktest.h:
include/kern/types.h:
include/kern/log.h:
include/kern/stdarg.h:
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
include/plat/time.h:
