build/baremetal/platform-baremetal/multiboot2.o: \
 platform-baremetal/multiboot2.c include/kern/string.h \
 include/kern/types.h include/plat/mem.h platform-baremetal/boot.h \
 platform-baremetal/memmap.h
include/kern/string.h:
include/kern/types.h:
include/plat/mem.h:
platform-baremetal/boot.h:
platform-baremetal/memmap.h:
