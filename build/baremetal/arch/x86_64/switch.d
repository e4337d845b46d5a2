build/baremetal/arch/x86_64/switch.o: arch/x86_64/switch.S
