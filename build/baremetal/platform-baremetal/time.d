build/baremetal/platform-baremetal/time.o: platform-baremetal/time.c \
 include/arch/x86_64/cpuid.h include/kern/types.h include/plat/cpu.h \
 include/plat/io.h include/plat/time.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/timekeeping.h
include/arch/x86_64/cpuid.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/io.h:
include/plat/time.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/timekeeping.h:
