build/baremetal/core/ktest/test_mm.o: core/ktest/test_mm.c \
 include/kern/ktest.h include/kern/types.h include/kern/mm.h \
 include/kern/list.h include/kern/spinlock.h include/plat/cpu.h \
 include/plat/mem.h include/kern/random.h include/kern/string.h
include/kern/ktest.h:
include/kern/types.h:
include/kern/mm.h:
include/kern/list.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
include/kern/random.h:
include/kern/string.h:
