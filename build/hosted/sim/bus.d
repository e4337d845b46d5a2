build/hosted/sim/bus.o: sim/bus.c sim/sim.h include/hv/dev/irqchip.h \
 include/kern/types.h sim/sim_internal.h
sim/sim.h:
include/hv/dev/irqchip.h:
include/kern/types.h:
sim/sim_internal.h:
