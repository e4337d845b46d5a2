build/baremetal/platform-baremetal/memmap.o: platform-baremetal/memmap.c \
 include/kern/string.h include/kern/types.h include/plat/mem.h \
 platform-baremetal/boot.h platform-baremetal/memmap.h
include/kern/string.h:
include/kern/types.h:
include/plat/mem.h:
platform-baremetal/boot.h:
platform-baremetal/memmap.h:
