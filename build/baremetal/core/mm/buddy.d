build/baremetal/core/mm/buddy.o: core/mm/buddy.c include/kern/log.h \
 include/kern/stdarg.h include/kern/types.h include/kern/mm.h \
 include/kern/list.h include/kern/spinlock.h include/plat/cpu.h \
 include/plat/mem.h include/kern/string.h
include/kern/log.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/mm.h:
include/kern/list.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
include/kern/string.h:
