/* The kernel command line: space-separated `key` or `key=value` words. */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H
#include <kern/types.h>

void cmdline_parse(const char *cmdline);
const char *cmdline_raw(void);
/* The value of `key` ("" for a bare word), or NULL if absent. */
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);
/* A numeric option, or `def` when absent or malformed (malformed values
 * are reported in the log). */
uint64_t cmdline_get_u64(const char *key, uint64_t def);
#endif
