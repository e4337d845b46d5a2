build/baremetal/platform-baremetal/trampoline.o: \
 platform-baremetal/trampoline.S include/arch/x86_64/cr.h \
 include/arch/x86_64/desc.h include/arch/x86_64/msr.h
include/arch/x86_64/cr.h:
include/arch/x86_64/desc.h:
include/arch/x86_64/msr.h:
