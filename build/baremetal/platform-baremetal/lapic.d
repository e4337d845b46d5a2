build/baremetal/platform-baremetal/lapic.o: platform-baremetal/lapic.c \
 include/arch/x86_64/apic.h include/arch/x86_64/msr.h include/plat/cpu.h \
 include/kern/types.h include/plat/entry.h include/plat/io.h \
 include/plat/mem.h include/plat/time.h platform-baremetal/apic.h \
 platform-baremetal/boot.h platform-baremetal/cpu_ops.h \
 platform-baremetal/percpu.h include/arch/x86_64/desc.h \
 platform-baremetal/timekeeping.h
include/arch/x86_64/apic.h:
include/arch/x86_64/msr.h:
include/plat/cpu.h:
include/kern/types.h:
include/plat/entry.h:
include/plat/io.h:
include/plat/mem.h:
include/plat/time.h:
platform-baremetal/apic.h:
platform-baremetal/boot.h:
platform-baremetal/cpu_ops.h:
platform-baremetal/percpu.h:
include/arch/x86_64/desc.h:
platform-baremetal/timekeeping.h:
