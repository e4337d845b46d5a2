build/baremetal/platform-baremetal/boot.o: platform-baremetal/boot.S \
 include/arch/x86_64/cr.h include/arch/x86_64/desc.h \
 include/arch/x86_64/msr.h include/arch/x86_64/paging.h \
 include/arch/x86_64/cpuid.h platform-baremetal/layout.h
include/arch/x86_64/cr.h:
include/arch/x86_64/desc.h:
include/arch/x86_64/msr.h:
include/arch/x86_64/paging.h:
include/arch/x86_64/cpuid.h:
platform-baremetal/layout.h:
