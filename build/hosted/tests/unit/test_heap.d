build/hosted/tests/unit/test_heap.o: tests/unit/test_heap.c \
 include/kern/mm.h include/kern/list.h include/kern/types.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/mem.h \
 tests/unit/../../platform-hosted/hosted.h
include/kern/mm.h:
include/kern/list.h:
include/kern/types.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
tests/unit/../../platform-hosted/hosted.h:
