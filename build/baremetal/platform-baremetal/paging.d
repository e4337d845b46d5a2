build/baremetal/platform-baremetal/paging.o: platform-baremetal/paging.c \
 include/arch/x86_64/cpuid.h include/kern/types.h \
 include/arch/x86_64/cr.h include/arch/x86_64/msr.h \
 include/arch/x86_64/paging.h include/kern/atomic.h include/kern/string.h \
 include/plat/cpu.h include/plat/mem.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/layout.h \
 platform-baremetal/memmap.h platform-baremetal/paging.h
include/arch/x86_64/cpuid.h:
include/kern/types.h:
include/arch/x86_64/cr.h:
include/arch/x86_64/msr.h:
include/arch/x86_64/paging.h:
include/kern/atomic.h:
include/kern/string.h:
include/plat/cpu.h:
include/plat/mem.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/layout.h:
platform-baremetal/memmap.h:
platform-baremetal/paging.h:
