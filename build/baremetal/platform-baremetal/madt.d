build/baremetal/platform-baremetal/madt.o: platform-baremetal/madt.c \
 include/arch/x86_64/cpuid.h include/kern/types.h \
 include/arch/x86_64/msr.h include/kern/string.h \
 platform-baremetal/acpi.h include/plat/cpu.h platform-baremetal/apic.h \
 platform-baremetal/boot.h platform-baremetal/cpu_ops.h
include/arch/x86_64/cpuid.h:
include/kern/types.h:
include/arch/x86_64/msr.h:
include/kern/string.h:
platform-baremetal/acpi.h:
include/plat/cpu.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
