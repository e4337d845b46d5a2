build/baremetal/platform-baremetal/idt.o: platform-baremetal/idt.c \
 include/arch/x86_64/desc.h include/kern/types.h \
 platform-baremetal/percpu.h include/plat/cpu.h
include/arch/x86_64/desc.h:
include/kern/types.h:
platform-baremetal/percpu.h:
include/plat/cpu.h:
