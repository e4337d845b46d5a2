#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H
#include <stdint.h>

struct sim_port_ops {
	uint8_t (*read)(void *dev, uint16_t offset);
	void (*write)(void *dev, uint16_t offset, uint8_t value);
};

void sim_bus_add_ports(uint16_t base, uint16_t len, const struct sim_port_ops *ops, void *dev);
void sim_console_init(int in_fd, int out_fd, unsigned irq_line);
bool sim_console_input_possible(void);
void sim_console_shutdown(void);
#endif
