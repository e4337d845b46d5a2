build/baremetal/core/ksym.o: core/ksym.c include/kern/ksym.h \
 include/kern/types.h
include/kern/ksym.h:
include/kern/types.h:
