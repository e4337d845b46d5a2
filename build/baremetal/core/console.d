build/baremetal/core/console.o: core/console.c \
 include/drivers/uart16550.h include/kern/types.h include/kern/console.h \
 include/kern/spinlock.h include/plat/cpu.h include/kern/sync.h \
 include/kern/list.h include/plat/console.h
include/drivers/uart16550.h:
include/kern/types.h:
include/kern/console.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/kern/sync.h:
include/kern/list.h:
include/plat/console.h:
