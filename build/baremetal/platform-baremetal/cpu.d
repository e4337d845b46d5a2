build/baremetal/platform-baremetal/cpu.o: platform-baremetal/cpu.c \
 include/arch/x86_64/cr.h include/plat/cpu.h include/kern/types.h \
 platform-baremetal/cpu_ops.h platform-baremetal/percpu.h \
 include/arch/x86_64/desc.h
include/arch/x86_64/cr.h:
include/plat/cpu.h:
include/kern/types.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
