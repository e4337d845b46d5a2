build/hosted/platform-hosted/console.o: platform-hosted/console.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/plat/console.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/console.h:
