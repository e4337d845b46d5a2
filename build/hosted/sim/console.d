build/hosted/sim/console.o: sim/console.c sim/sim.h \
 include/hv/dev/irqchip.h include/kern/types.h sim/sim_internal.h \
 include/hv/dev/uart16550.h include/kern/uart_regs.h
sim/sim.h:
include/hv/dev/irqchip.h:
include/kern/types.h:
sim/sim_internal.h:
include/hv/dev/uart16550.h:
include/kern/uart_regs.h:
