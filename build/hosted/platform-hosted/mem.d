build/hosted/platform-hosted/mem.o: platform-hosted/mem.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/plat/io.h include/plat/mem.h platform-hosted/../sim/sim.h \
 include/hv/dev/irqchip.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/io.h:
include/plat/mem.h:
platform-hosted/../sim/sim.h:
include/hv/dev/irqchip.h:
