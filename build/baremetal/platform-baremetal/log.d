build/baremetal/platform-baremetal/log.o: platform-baremetal/log.c \
 include/kern/printf.h include/kern/stdarg.h include/kern/types.h \
 include/kern/string.h include/plat/console.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h
include/kern/printf.h:
include/kern/stdarg.h:
include/kern/types.h:
include/kern/string.h:
include/plat/console.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
