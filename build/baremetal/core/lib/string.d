build/baremetal/core/lib/string.o: core/lib/string.c \
 include/kern/string.h include/kern/types.h
include/kern/string.h:
include/kern/types.h:
