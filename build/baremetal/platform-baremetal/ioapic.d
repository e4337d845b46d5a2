build/baremetal/platform-baremetal/ioapic.o: platform-baremetal/ioapic.c \
 include/arch/x86_64/apic.h include/kern/atomic.h include/plat/cpu.h \
 include/kern/types.h include/plat/io.h include/plat/mem.h \
 platform-baremetal/acpi.h platform-baremetal/apic.h \
 platform-baremetal/boot.h
include/arch/x86_64/apic.h:
include/kern/atomic.h:
include/plat/cpu.h:
include/kern/types.h:
include/plat/io.h:
include/plat/mem.h:
platform-baremetal/acpi.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
