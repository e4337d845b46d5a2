build/baremetal/hv/dev/uart16550.o: hv/dev/uart16550.c \
 include/hv/dev/uart16550.h include/kern/types.h include/kern/string.h \
 include/kern/uart_regs.h
include/hv/dev/uart16550.h:
include/kern/types.h:
include/kern/string.h:
include/kern/uart_regs.h:
