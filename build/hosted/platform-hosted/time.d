build/hosted/platform-hosted/time.o: platform-hosted/time.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/plat/time.h platform-hosted/../sim/sim.h \
 include/hv/dev/irqchip.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/time.h:
platform-hosted/../sim/sim.h:
include/hv/dev/irqchip.h:
