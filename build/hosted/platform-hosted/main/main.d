build/hosted/platform-hosted/main/main.o: platform-hosted/main/main.c \
 platform-hosted/main/../hosted.h include/kern/types.h include/plat/cpu.h
platform-hosted/main/../hosted.h:
include/kern/types.h:
include/plat/cpu.h:
