build/baremetal/core/lib/random.o: core/lib/random.c \
 include/kern/cmdline.h include/kern/types.h include/kern/random.h
include/kern/cmdline.h:
include/kern/types.h:
include/kern/random.h:
