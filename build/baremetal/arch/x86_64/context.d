build/baremetal/arch/x86_64/context.o: arch/x86_64/context.c \
 include/arch/x86_64/context.h include/kern/types.h
include/arch/x86_64/context.h:
include/kern/types.h:
