build/hosted/platform-hosted/io.o: platform-hosted/io.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/plat/io.h platform-hosted/../sim/sim.h include/hv/dev/irqchip.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/io.h:
platform-hosted/../sim/sim.h:
include/hv/dev/irqchip.h:
