/* Port I/O and MMIO register access: the in/out instructions and volatile
 * loads/stores of exactly the requested width. */
#include <plat/io.h>

uint8_t plat_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint16_t plat_inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint32_t plat_inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void plat_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

void plat_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

void plat_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

uint64_t plat_mmio_read(volatile void *addr, unsigned size)
{
	switch (size) {
	case 1:
		return *(volatile uint8_t *)addr;
	case 2:
		return *(volatile uint16_t *)addr;
	case 4:
		return *(volatile uint32_t *)addr;
	case 8:
		return *(volatile uint64_t *)addr;
	default:
		return ~0ULL; /* what a missing device reads as */
	}
}

void plat_mmio_write(volatile void *addr, unsigned size, uint64_t v)
{
	switch (size) {
	case 1:
		*(volatile uint8_t *)addr = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)addr = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)addr = (uint32_t)v;
		break;
	case 8:
		*(volatile uint64_t *)addr = v;
		break;
	default:
		break;
	}
}
