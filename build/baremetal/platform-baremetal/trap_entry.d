build/baremetal/platform-baremetal/trap_entry.o: \
 platform-baremetal/trap_entry.S include/arch/x86_64/desc.h
include/arch/x86_64/desc.h:
