/* The linux64 test guest: booted by hv_load_linux through the Linux 64-bit
 * boot protocol, it checks what the loader promised (long mode, the zero
 * page, command line, e820, the 4 GiB identity map, GDT) and that a timer
 * interrupt returns through iretq. */
#include "guest.h"

#define ZP_E820_ENTRIES   0x1e8
#define ZP_E820_TABLE     0x2d0
#define ZP_CMD_LINE_PTR   0x228
#define ZP_TYPE_OF_LOADER 0x210
#define TESTDEV_MMIO      0xfeb00000ull

extern char isr64_timer[], isr64_spurious[];
static volatile unsigned ticks;
static uint8_t idt[256 * 16] __attribute__((aligned(16)));

void on_timer64(void);
void on_timer64(void)
{
	ticks++;
	lapic_eoi();
}

static void set_gate(unsigned v, void *fn)
{
	uint64_t a = (uint64_t)fn;
	uint16_t cs;
	uint8_t *g = idt + 16 * v;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	g[0] = (uint8_t)a, g[1] = (uint8_t)(a >> 8);
	g[2] = (uint8_t)cs, g[3] = (uint8_t)(cs >> 8);
	g[4] = 0, g[5] = 0x8e;
	g[6] = (uint8_t)(a >> 16), g[7] = (uint8_t)(a >> 24);
	for (unsigned i = 0; i < 4; i++)
		g[8 + i] = (uint8_t)(a >> (32 + 8 * i));
}

int linux_main(const uint8_t *bp);
int linux_main(const uint8_t *bp)
{
	uint64_t cr0, cr3, cr4, efer_lo, efer_hi, usable = 0;
	const char *cmdline = (const char *)(uintptr_t) * (const uint32_t *)(bp + ZP_CMD_LINE_PTR);
	unsigned n = bp[ZP_E820_ENTRIES];
	uint16_t cs;
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} desc = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2; mov %%cs, %3"
	                 : "=r"(cr0), "=r"(cr3), "=r"(cr4), "=r"(cs));
	__asm__ volatile("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(0xc0000080));
	report("long_mode_paging", (cr0 >> 31 & 1) && (cr4 >> 5 & 1) && (efer_lo >> 10 & 1));
	report_eq("code_selector", cs, 0x10);
	report("boot_params_in_rsi", (uintptr_t)bp == 0x7000 && __builtin_memcmp(bp + 0x202, "HdrS", 4) == 0);
	report_eq("type_of_loader", bp[ZP_TYPE_OF_LOADER], 0xff);
	report("cmdline", cmdline && __builtin_memcmp(cmdline, "linux64 test", 13) == 0);
	for (unsigned i = 0; i < n && i < 128; i++) {
		const uint8_t *e = bp + ZP_E820_TABLE + 20 * i;
		if (*(const uint32_t *)(e + 16) == 1)
			usable += *(const uint64_t *)(e + 8);
	}
	report("e820_usable_ram", n >= 2 && usable > (30ull << 20) && usable <= (32ull << 20));
	/* the identity map reaches the MMIO below 4 GiB */
	*(volatile uint32_t *)(TESTDEV_MMIO + 0x10) = 0x64646464;
	report_eq("identity_map_mmio", *(volatile uint32_t *)(TESTDEV_MMIO + 0x10), 0x64646464);
	report_eq("identity_map_ram", *(volatile uint8_t *)0x1000200ull, 0xfa); /* our own cli */

	for (unsigned v = 0; v < 256; v++)
		set_gate(v, isr64_spurious);
	set_gate(0x40, isr64_timer);
	__asm__ volatile("lidt %0" : : "m"(desc));
	lapic_enable();
	lapic_write(0x3e0, 0xb);
	lapic_write(0x320, 0x40 | 1u << 17); /* periodic */
	lapic_write(0x380, 200000);
	while (ticks < 3)
		__asm__ volatile("sti; hlt; cli");
	lapic_write(0x320, 1u << 16);
	lapic_write(0x380, 0);
	report("timer_interrupts_iretq", ticks >= 3);
	(void)cr3;
	return summary();
}
