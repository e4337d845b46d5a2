build/hosted/tests/unit/test_buddy.o: tests/unit/test_buddy.c \
 include/kern/mm.h include/kern/list.h include/kern/types.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/mem.h
include/kern/mm.h:
include/kern/list.h:
include/kern/types.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
