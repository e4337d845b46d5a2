build/hosted/platform-hosted/irq.o: platform-hosted/irq.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/hv/dev/irqchip.h include/plat/irq.h platform-hosted/../sim/sim.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/hv/dev/irqchip.h:
include/plat/irq.h:
platform-hosted/../sim/sim.h:
