build/baremetal/platform-baremetal/pvh.o: platform-baremetal/pvh.c \
 include/kern/string.h include/kern/types.h include/plat/mem.h \
 platform-baremetal/acpi.h include/plat/cpu.h platform-baremetal/apic.h \
 platform-baremetal/boot.h platform-baremetal/layout.h \
 platform-baremetal/memmap.h
include/kern/string.h:
include/kern/types.h:
include/plat/mem.h:
platform-baremetal/acpi.h:
include/plat/cpu.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/layout.h:
platform-baremetal/memmap.h:
