/* The test guests' library (guest.h). */
#include "guest.h"

static unsigned passed, failed;

static void putc(char c)
{
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc('\r');
		putc(*s++);
	}
}

void put_hex(uint64_t v)
{
	char buf[19] = "0x";
	int n = 0;
	uint64_t t = v;

	do {
		n++;
		t >>= 4;
	} while (t);
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		buf[2 + i] = "0123456789abcdef"[v & 15];
	buf[2 + n] = 0;
	puts(buf);
}

void put_dec(uint32_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(buf + i);
}

bool report(const char *name, bool ok)
{
	puts(ok ? "PASS " : "FAIL ");
	puts(name);
	puts("\n");
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

bool report_eq(const char *name, uint64_t got, uint64_t want)
{
	if (got != want) {
		puts("  ");
		puts(name);
		puts(": got ");
		put_hex(got);
		puts(", want ");
		put_hex(want);
		puts("\n");
	}
	return report(name, got == want);
}

int summary(void)
{
	puts("SUMMARY pass=");
	put_dec(passed);
	puts(" fail=");
	put_dec(failed);
	puts("\n");
	return (int)failed;
}

void guest_exit(int status)
{
	outb(DEBUG_EXIT, (uint8_t)status);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void lapic_enable(void)
{
	lapic_write(0xf0, 0x1ff); /* spurious vector 0xff, APIC software enabled */
	lapic_write(0x80, 0);     /* task priority: accept everything */
}

void lapic_eoi(void)
{
	lapic_write(0xb0, 0);
}

/* What the compiler may call even in freestanding code. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;
	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
