build/baremetal/platform-baremetal/io.o: platform-baremetal/io.c \
 include/plat/io.h include/kern/types.h
include/plat/io.h:
include/kern/types.h:
