build/baremetal/drivers/uart16550.o: drivers/uart16550.c \
 include/drivers/uart16550.h include/kern/types.h \
 include/kern/uart_regs.h include/plat/cpu.h include/plat/io.h \
 include/plat/irq.h
include/drivers/uart16550.h:
include/kern/types.h:
include/kern/uart_regs.h:
include/plat/cpu.h:
include/plat/io.h:
include/plat/irq.h:
