build/baremetal/core/log.o: core/log.c include/kern/console.h \
 include/kern/types.h include/kern/log.h include/kern/stdarg.h \
 include/kern/printf.h include/kern/spinlock.h include/plat/cpu.h \
 include/plat/time.h
include/kern/console.h:
include/kern/types.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/printf.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/time.h:
