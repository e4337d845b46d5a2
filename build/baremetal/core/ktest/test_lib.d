build/baremetal/core/ktest/test_lib.o: core/ktest/test_lib.c \
 include/kern/cmdline.h include/kern/types.h include/kern/ktest.h \
 include/kern/list.h include/kern/printf.h include/kern/stdarg.h \
 include/kern/random.h include/kern/string.h
include/kern/cmdline.h:
include/kern/types.h:
include/kern/ktest.h:
include/kern/list.h:
include/kern/printf.h:
include/kern/stdarg.h:
include/kern/random.h:
include/kern/string.h:
