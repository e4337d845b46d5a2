build/baremetal/platform-baremetal/smp.o: platform-baremetal/smp.c \
 include/arch/x86_64/apic.h include/arch/x86_64/cr.h \
 include/arch/x86_64/paging.h include/kern/types.h include/kern/atomic.h \
 include/kern/string.h include/plat/cpu.h include/plat/entry.h \
 include/plat/mem.h include/plat/time.h platform-baremetal/acpi.h \
 platform-baremetal/apic.h platform-baremetal/boot.h \
 platform-baremetal/cpu_ops.h platform-baremetal/memmap.h \
 platform-baremetal/paging.h platform-baremetal/percpu.h \
 include/arch/x86_64/desc.h platform-baremetal/plat_errno.h \
 platform-baremetal/timekeeping.h
include/arch/x86_64/apic.h:
include/arch/x86_64/cr.h:
include/arch/x86_64/paging.h:
include/kern/types.h:
include/kern/atomic.h:
include/kern/string.h:
include/plat/cpu.h:
include/plat/entry.h:
include/plat/mem.h:
include/plat/time.h:
platform-baremetal/acpi.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/memmap.h:
platform-baremetal/paging.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
platform-baremetal/plat_errno.h:
platform-baremetal/timekeeping.h:
