/* The string and memory routines every kernel file may use. On bare metal
 * they come from core/lib/string.c; the hosted build takes the C library's
 * (so that ASan and valgrind see every copy). */
#ifndef KERN_STRING_H
#define KERN_STRING_H
#include <kern/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Kernel-only helpers (never clash with libc names). */
size_t kstrlcpy(char *dst, const char *src, size_t size);
bool kstr_startswith(const char *s, const char *prefix);
/* Parses an unsigned number with optional 0x prefix and K/M/G suffix.
 * Returns false (and leaves *out alone) on any malformed input. */
bool kstr_parse_u64(const char *s, uint64_t *out);
#endif
