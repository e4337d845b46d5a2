build/hosted/sim/machine.o: sim/machine.c sim/sim.h \
 include/hv/dev/irqchip.h include/kern/types.h sim/sim_internal.h \
 include/kern/uart_regs.h
sim/sim.h:
include/hv/dev/irqchip.h:
include/kern/types.h:
sim/sim_internal.h:
include/kern/uart_regs.h:
