build/baremetal/platform-baremetal/context.o: \
 platform-baremetal/context.c include/arch/x86_64/context.h \
 include/kern/types.h include/kern/string.h include/plat/context.h \
 platform-baremetal/percpu.h include/arch/x86_64/desc.h \
 include/plat/cpu.h
include/arch/x86_64/context.h:
include/kern/types.h:
include/kern/string.h:
include/plat/context.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
include/plat/cpu.h:
