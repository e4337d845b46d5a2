build/baremetal/platform-baremetal/init_task.o: \
 platform-baremetal/init_task.c include/plat/boot.h
include/plat/boot.h:
