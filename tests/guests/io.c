/* Port I/O: every size, and string I/O (rep outsb/insb/outsw) that reaches
 * the device element by element in order. */
#include "guest.h"

#define TD 0xe0 /* HV_TESTDEV_PORT */

int guest_main(uint32_t magic, uint32_t mbi)
{
	static uint8_t out[40], in[32];
	static uint16_t words[5] = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555};
	uint32_t want = 0;
	bool ok = true;

	(void)mbi;
	report_eq("multiboot_magic", magic, 0x2badb002);
	outl(TD, 0xdeadbeef);
	report_eq("outl_inl", inl(TD), 0xdeadbeef);
	outw(TD, 0x1234);
	report_eq("outw_inw", inw(TD), 0x1234);
	outb(TD, 0x5a);
	report_eq("outb_inb", inb(TD), 0x5a);
	report_eq("inl_after_outb", inl(TD), 0x5a); /* the latch keeps the written size */

	outb(TD + 8, 0); /* empty the sink */
	for (unsigned i = 0; i < sizeof(out); i++) {
		out[i] = (uint8_t)(i * 37 + 11);
		want += out[i] * (i + 1);
	}
	{
		const void *src = out;
		uint32_t n = sizeof(out);
		__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(TD + 4) : "memory");
		report_eq("rep_outsb_count", n, 0);
	}
	report_eq("rep_outsb_len", inl(TD + 8), sizeof(out));
	report_eq("rep_outsb_order", inl(TD + 12), want);

	outb(TD + 8, 0); /* restart the source */
	{
		void *dst = in;
		uint32_t n = sizeof(in);
		__asm__ volatile("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(TD + 4) : "memory");
	}
	for (unsigned i = 0; i < sizeof(in); i++)
		ok &= in[i] == i;
	report("rep_insb", ok);

	outb(TD + 8, 0);
	{
		const void *src = words;
		uint32_t n = 5;
		/* 16-bit elements to a byte port: each element is one access */
		__asm__ volatile("cld; rep outsw" : "+S"(src), "+c"(n) : "d"(TD) : "memory");
	}
	report_eq("rep_outsw_last", inw(TD), 0x5555);
	{
		/* string I/O with a descending direction flag */
		const uint8_t *src = out + 3;
		uint32_t n = 4;
		outb(TD + 8, 0);
		__asm__ volatile("std; rep outsb; cld" : "+S"(src), "+c"(n) : "d"(TD + 4) : "memory");
		report_eq("rep_outsb_std", inl(TD + 12), out[3] * 1 + out[2] * 2 + out[1] * 3 + out[0] * 4);
	}
	return summary();
}
