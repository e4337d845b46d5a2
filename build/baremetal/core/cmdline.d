build/baremetal/core/cmdline.o: core/cmdline.c include/kern/cmdline.h \
 include/kern/types.h include/kern/log.h include/kern/stdarg.h \
 include/kern/string.h
include/kern/cmdline.h:
include/kern/types.h:
include/kern/log.h:
include/kern/stdarg.h:
include/kern/string.h:
