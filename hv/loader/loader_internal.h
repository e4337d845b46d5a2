/* Helpers the guest loaders share (hv/loader/). */
#ifndef HV_LOADER_INTERNAL_H
#define HV_LOADER_INTERNAL_H
#include <hv/loader.h>
#include <kern/types.h>

/* Formats the reason into err (HV_LOADER_ERR_MAX bytes) and returns `code`. */
int loader_fail(char *err, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v), put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v), put32(p + 4, (uint32_t)(v >> 32));
}

/* [gpa, gpa+len) lies in RAM regions only (adjacent regions count). */
bool loader_ram_range(const struct gmem *m, uint64_t gpa, uint64_t len);
/* The end of the RAM that starts at or contains `gpa` and continues
 * without a hole; 0 if gpa is not RAM. */
uint64_t loader_ram_end(const struct gmem *m, uint64_t gpa);
/* Writes the boot GDT at HV_BOOT_GDT_GPA: null, null, code at 0x10 (64-bit
 * or 32-bit, as the entry state's cs), flat data at 0x18. */
#define LOADER_GDT_LIMIT 31
int loader_write_gdt(struct gmem *m, bool long_mode);
/* Copies the command line to HV_BOOT_CMDLINE_GPA (NUL terminated). */
int loader_write_cmdline(struct gmem *m, const char *cmdline, uint64_t max, char *err);
#endif
