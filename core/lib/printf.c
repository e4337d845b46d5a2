/* Formatted output into a buffer. */
#include <kern/printf.h>
#include <kern/string.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;
	if (!left)
		while (fill-- > 0)
			put(o, pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width, bool left,
		       char pad, const char *prefix)
{
	char tmp[24 + 3];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int i = (int)sizeof(tmp);
	size_t plen = prefix ? strlen(prefix) : 0;

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (pad == '0') {
		/* Sign and prefix go before zero padding. */
		if (neg)
			put(o, '-'), width--;
		for (size_t k = 0; k < plen; k++)
			put(o, prefix[k]), width--;
		put_padded(o, tmp + i, sizeof(tmp) - (size_t)i, width, left, '0');
		return;
	}
	for (size_t k = plen; k > 0; k--)
		tmp[--i] = prefix[k - 1];
	if (neg)
		tmp[--i] = '-';
	put_padded(o, tmp + i, sizeof(tmp) - (size_t)i, width, left, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (const char *p = fmt; *p; p++) {
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, prec = -1, lng = 0;

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				left = true;
			else if (*p == '0')
				pad = '0';
			else if (*p == '#')
				alt = true;
			else
				break;
		}
		if (*p == '*') {
			width = va_arg(ap, int);
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			}
			while (*p >= '0' && *p <= '9')
				prec = prec * 10 + (*p++ - '0');
		}
		while (*p == 'l' || *p == 'z')
			lng++, p++;
		if (left)
			pad = ' ';
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_number(&o, u, 10, false, v < 0, width, left, pad, NULL);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			unsigned base = *p == 'u' ? 10 : 16;
			put_number(&o, v, base, *p == 'X', false, width, left, pad, alt && v ? "0x" : NULL);
			break;
		}
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, left, pad, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_padded(&o, s, prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s), width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
