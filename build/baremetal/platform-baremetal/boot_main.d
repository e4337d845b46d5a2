build/baremetal/platform-baremetal/boot_main.o: \
 platform-baremetal/boot_main.c include/arch/x86_64/msr.h \
 include/kern/string.h include/kern/types.h include/plat/cpu.h \
 include/plat/console.h include/plat/entry.h include/plat/mem.h \
 platform-baremetal/acpi.h platform-baremetal/apic.h \
 platform-baremetal/boot.h platform-baremetal/cpu_ops.h \
 platform-baremetal/layout.h platform-baremetal/memmap.h \
 platform-baremetal/paging.h platform-baremetal/percpu.h \
 include/arch/x86_64/desc.h platform-baremetal/timekeeping.h
include/arch/x86_64/msr.h:
include/kern/string.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/console.h:
include/plat/entry.h:
include/plat/mem.h:
platform-baremetal/acpi.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/layout.h:
platform-baremetal/memmap.h:
platform-baremetal/paging.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
platform-baremetal/timekeeping.h:
