build/baremetal/platform-baremetal/irq.o: platform-baremetal/irq.c \
 include/kern/atomic.h include/plat/cpu.h include/kern/types.h \
 include/plat/irq.h platform-baremetal/acpi.h platform-baremetal/apic.h \
 platform-baremetal/plat_errno.h
include/kern/atomic.h:
include/plat/cpu.h:
include/kern/types.h:
include/plat/irq.h:
platform-baremetal/acpi.h:
platform-baremetal/apic.h:
platform-baremetal/plat_errno.h:
