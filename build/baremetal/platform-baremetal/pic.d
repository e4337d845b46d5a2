build/baremetal/platform-baremetal/pic.o: platform-baremetal/pic.c \
 include/plat/io.h include/kern/types.h platform-baremetal/apic.h
include/plat/io.h:
include/kern/types.h:
platform-baremetal/apic.h:
