build/baremetal/core/ktest/test_stress.o: core/ktest/test_stress.c \
 include/kern/atomic.h include/kern/cmdline.h include/kern/types.h \
 include/kern/ktest.h include/kern/mm.h include/kern/list.h \
 include/kern/spinlock.h include/plat/cpu.h include/plat/mem.h \
 include/kern/random.h include/kern/sched.h include/plat/context.h \
 include/kern/string.h include/kern/sync.h include/plat/time.h
include/kern/atomic.h:
include/kern/cmdline.h:
include/kern/types.h:
include/kern/ktest.h:
include/kern/mm.h:
include/kern/list.h:
include/kern/spinlock.h:
include/plat/cpu.h:
include/plat/mem.h:
include/kern/random.h:
include/kern/sched.h:
include/plat/context.h:
include/kern/string.h:
include/kern/sync.h:
include/plat/time.h:
