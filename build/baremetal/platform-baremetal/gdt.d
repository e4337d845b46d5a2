build/baremetal/platform-baremetal/gdt.o: platform-baremetal/gdt.c \
 include/arch/x86_64/desc.h include/kern/types.h include/kern/string.h \
 platform-baremetal/percpu.h include/plat/cpu.h
include/arch/x86_64/desc.h:
include/kern/types.h:
include/kern/string.h:
platform-baremetal/percpu.h:
include/plat/cpu.h:
