build/baremetal/platform-baremetal/compiler_rt.o: \
 platform-baremetal/compiler_rt.c include/kern/types.h
include/kern/types.h:
