build/baremetal/core/lib/kstr.o: core/lib/kstr.c include/kern/string.h \
 include/kern/types.h
include/kern/string.h:
include/kern/types.h:
