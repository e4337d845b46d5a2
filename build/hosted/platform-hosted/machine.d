build/hosted/platform-hosted/machine.o: platform-hosted/machine.c \
 platform-hosted/hosted.h include/kern/types.h include/plat/cpu.h \
 include/plat/boot.h include/plat/entry.h include/plat/power.h \
 platform-hosted/../sim/sim.h include/hv/dev/irqchip.h
platform-hosted/hosted.h:
include/kern/types.h:
include/plat/cpu.h:
include/plat/boot.h:
include/plat/entry.h:
include/plat/power.h:
platform-hosted/../sim/sim.h:
include/hv/dev/irqchip.h:
