build/baremetal/platform-baremetal/power.o: platform-baremetal/power.c \
 include/kern/string.h include/kern/types.h include/plat/cpu.h \
 include/plat/io.h include/plat/power.h platform-baremetal/acpi.h \
 platform-baremetal/apic.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/timekeeping.h
include/kern/string.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/io.h:
include/plat/power.h:
platform-baremetal/acpi.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/timekeeping.h:
