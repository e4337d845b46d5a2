build/baremetal/platform-baremetal/console.o: \
 platform-baremetal/console.c include/drivers/uart16550.h \
 include/kern/types.h include/kern/atomic.h include/plat/console.h \
 include/plat/cpu.h platform-baremetal/percpu.h \
 include/arch/x86_64/desc.h
include/drivers/uart16550.h:
include/kern/types.h:
include/kern/atomic.h:
include/plat/console.h:
include/plat/cpu.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
