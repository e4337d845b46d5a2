/* MMIO decoding: the forms compilers emit for device registers reach the
 * device with the right offset, size and value, and the guest sees the
 * device's answer in the right register and flags. */
#include "guest.h"

#define MMIO        0xfeb00000u /* HV_TESTDEV_MMIO */
#define LAST_OFFSET (MMIO + 0x100)
#define LAST_SIZE   (MMIO + 0x108)
#define LAST_WRITE  (MMIO + 0x110)
#define LAST_VALUE  (MMIO + 0x118)
#define COUNT       (MMIO + 0x120)

static bool last_is(uint32_t off, uint32_t size, bool write, uint32_t value)
{
	return mmio_read32(LAST_OFFSET) == off && mmio_read32(LAST_SIZE) == size &&
	       mmio_read32(LAST_WRITE) == (uint32_t)write && mmio_read32(LAST_VALUE) == value;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	volatile uint8_t *b = (volatile uint8_t *)MMIO;
	static uint8_t src[16], dst[16];
	uint32_t v, count;
	uint8_t zf;

	(void)magic, (void)mbi;
	mmio_write32(MMIO + 0x10, 0x89abcdef);
	report("movl_store", last_is(0x10, 4, true, 0x89abcdef));
	report_eq("movl_load", mmio_read32(MMIO + 0x10), 0x89abcdef);
	report("movl_load_seen", last_is(0x10, 4, false, 0x89abcdef));
	*(volatile uint16_t *)(MMIO + 0x20) = 0xbeef;
	report("movw_store", last_is(0x20, 2, true, 0xbeef));
	b[0x22] = 0x80;
	report("movb_store", last_is(0x22, 1, true, 0x80));
	__asm__ volatile("movzbl (%1), %0" : "=r"(v) : "r"(MMIO + 0x22));
	report_eq("movzbl", v, 0x80);
	__asm__ volatile("movsbl (%1), %0" : "=r"(v) : "r"(MMIO + 0x22));
	report_eq("movsbl", v, 0xffffff80);
	__asm__ volatile("movzwl (%1), %0" : "=r"(v) : "r"(MMIO + 0x20));
	report_eq("movzwl", v, 0xbeef);
	report("movzwl_size", last_is(0x20, 2, false, 0xbeef));
	__asm__ volatile("movl $0x12345678, (%0)" : : "r"(MMIO + 0x30) : "memory");
	report_eq("movl_imm", mmio_read32(MMIO + 0x30), 0x12345678);

	/* read-modify-write forms: one read and one write each */
	count = mmio_read32(COUNT);
	__asm__ volatile("andl $0xff00ff00, (%0)" : : "r"(MMIO + 0x30) : "memory", "cc");
	report_eq("andl_accesses", mmio_read32(COUNT) - count, 2);
	report_eq("andl", mmio_read32(MMIO + 0x30), 0x12005600);
	__asm__ volatile("orl %1, (%0)" : : "r"(MMIO + 0x30), "r"(0x000000ffu) : "memory", "cc");
	report_eq("orl", mmio_read32(MMIO + 0x30), 0x120056ff);
	__asm__ volatile("orb $0x01, (%0)" : : "r"(MMIO + 0x33) : "memory", "cc");
	report_eq("orb", mmio_read32(MMIO + 0x30), 0x130056ff);
	/* read-only forms: flags from the device's value, no write */
	count = mmio_read32(COUNT);
	__asm__ volatile("testl $0x00ff0000, (%1); setz %0" : "=q"(zf) : "r"(MMIO + 0x30) : "cc");
	report_eq("testl_zero", zf, 1);
	__asm__ volatile("testl $0x000000f0, (%1); setz %0" : "=q"(zf) : "r"(MMIO + 0x30) : "cc");
	report_eq("testl_nonzero", zf, 0);
	__asm__ volatile("cmpl $0x130056ff, (%1); setz %0" : "=q"(zf) : "r"(MMIO + 0x30) : "cc");
	report_eq("cmpl_equal", zf, 1);
	report_eq("read_only_forms_accesses", mmio_read32(COUNT) - count, 3);
	report("read_only_forms_no_write", mmio_read32(LAST_WRITE) == 0);

	/* string forms */
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(0xa0 + i);
	{
		const void *s = src;
		void *d = (void *)(MMIO + 0x40);
		uint32_t n = sizeof(src);
		__asm__ volatile("cld; rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	}
	{
		bool ok = true;
		for (unsigned i = 0; i < sizeof(src); i++)
			ok &= b[0x40 + i] == src[i];
		report("rep_movsb_to_mmio", ok);
	}
	{
		const void *s = (const void *)(MMIO + 0x40);
		void *d = dst;
		uint32_t n = sizeof(dst) / 4;
		__asm__ volatile("cld; rep movsl" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
		bool ok = true;
		for (unsigned i = 0; i < sizeof(dst); i++)
			ok &= dst[i] == src[i];
		report("rep_movsl_from_mmio", ok);
	}
	{
		void *d = (void *)(MMIO + 0x60);
		uint32_t n = 4;
		__asm__ volatile("cld; rep stosl" : "+D"(d), "+c"(n) : "a"(0x5a5a1234u) : "memory");
		report("rep_stosl", mmio_read32(MMIO + 0x60) == 0x5a5a1234 && mmio_read32(MMIO + 0x6c) == 0x5a5a1234);
	}
	/* the registers past the scratch area are read-only */
	mmio_write32(LAST_VALUE, 0);
	report("register_read_only", mmio_read32(LAST_VALUE) != 0);
	/* an MMIO hole nobody claims reads as all ones */
	report_eq("unclaimed_reads_ones", mmio_read32(0xfeb10000u), 0xffffffff);
	return summary();
}
