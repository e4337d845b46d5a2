build/baremetal/platform-baremetal/trap.o: platform-baremetal/trap.c \
 include/arch/x86_64/desc.h include/kern/types.h include/kern/printf.h \
 include/kern/stdarg.h include/plat/console.h include/plat/entry.h \
 platform-baremetal/apic.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/percpu.h \
 include/plat/cpu.h platform-baremetal/trap.h
include/arch/x86_64/desc.h:
include/kern/types.h:
include/kern/printf.h:
include/kern/stdarg.h:
include/plat/console.h:
include/plat/entry.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/percpu.h:
include/plat/cpu.h:
platform-baremetal/trap.h:
