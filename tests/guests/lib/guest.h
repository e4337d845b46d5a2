/* The small library of the test guests: port I/O, serial output on COM1,
 * PASS/FAIL reporting, an IDT with C handlers, and the exit through the
 * debug exit port (0xf4) with the number of failures as the status. Guests
 * are backend independent: they only use PC hardware. */
#ifndef GUEST_H
#define GUEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1       0x3f8
#define DEBUG_EXIT 0xf4

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void puts(const char *s);
void put_hex(uint64_t v);
void put_dec(uint32_t v);
/* Prints "PASS name" or "FAIL name" and counts. */
bool report(const char *name, bool ok);
/* Like report, with the value seen and the one wanted on FAIL. */
bool report_eq(const char *name, uint64_t got, uint64_t want);
/* Prints "SUMMARY pass=P fail=F" and returns F. */
int summary(void);
void guest_exit(int status) __attribute__((noreturn));

/* Interrupts and exceptions. */
struct guest_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};
typedef void (*guest_handler)(struct guest_frame *f);
/* Loads an IDT whose every vector goes to guest_isr. */
void idt_init(void);
void set_handler(unsigned vector, guest_handler h);

/* The local APIC (xAPIC MMIO). */
#define LAPIC_BASE 0xfee00000u
static inline uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}
static inline void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}
void lapic_enable(void);
void lapic_eoi(void);
#endif
