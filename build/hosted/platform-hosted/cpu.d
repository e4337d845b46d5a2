build/hosted/platform-hosted/cpu.o: platform-hosted/cpu.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/hv/dev/irqchip.h include/plat/context.h include/plat/entry.h \
 include/plat/time.h platform-hosted/../sim/sim.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/hv/dev/irqchip.h:
include/plat/context.h:
include/plat/entry.h:
include/plat/time.h:
platform-hosted/../sim/sim.h:
