build/hosted/platform-hosted/context.o: platform-hosted/context.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/arch/x86_64/context.h include/plat/context.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/arch/x86_64/context.h:
include/plat/context.h:
