build/baremetal/hv/dev/irqchip.o: hv/dev/irqchip.c \
 include/hv/dev/irqchip.h include/kern/types.h include/kern/atomic.h \
 include/kern/string.h
include/hv/dev/irqchip.h:
include/kern/types.h:
include/kern/atomic.h:
include/kern/string.h:
