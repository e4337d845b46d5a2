build/baremetal/platform-baremetal/acpi.o: platform-baremetal/acpi.c \
 include/kern/string.h include/kern/types.h include/plat/mem.h \
 platform-baremetal/acpi.h include/plat/cpu.h platform-baremetal/apic.h \
 platform-baremetal/boot.h platform-baremetal/paging.h
include/kern/string.h:
include/kern/types.h:
include/plat/mem.h:
platform-baremetal/acpi.h:
include/plat/cpu.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/paging.h:
