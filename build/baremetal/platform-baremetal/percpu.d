build/baremetal/platform-baremetal/percpu.o: platform-baremetal/percpu.c \
 include/arch/x86_64/msr.h include/kern/string.h include/kern/types.h \
 include/plat/mem.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/memmap.h \
 platform-baremetal/percpu.h include/arch/x86_64/desc.h \
 include/plat/cpu.h
include/arch/x86_64/msr.h:
include/kern/string.h:
include/kern/types.h:
include/plat/mem.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/memmap.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
include/plat/cpu.h:
