build/baremetal/core/sync/spinlock.o: core/sync/spinlock.c \
 include/kern/atomic.h include/kern/log.h include/kern/stdarg.h \
 include/kern/types.h include/kern/spinlock.h include/plat/cpu.h
include/kern/atomic.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/spinlock.h:
include/plat/cpu.h:
