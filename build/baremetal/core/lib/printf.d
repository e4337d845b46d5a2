build/baremetal/core/lib/printf.o: core/lib/printf.c \
 include/kern/printf.h include/kern/stdarg.h include/kern/types.h \
 include/kern/string.h
include/kern/printf.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/string.h:
