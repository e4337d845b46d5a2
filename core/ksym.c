/* Symbol lookup for backtraces. The table comes from the second link pass;
 * in the first pass these weak references resolve to nothing. */
#include <kern/ksym.h>

extern const struct ksym ksym_table[] __attribute__((weak));
extern const unsigned ksym_count __attribute__((weak));
extern const char ksym_names[] __attribute__((weak));
extern const uint64_t ksym_anchor_link __attribute__((weak)); /* link address of ksym_lookup */

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	unsigned lo = 0, hi;
	uintptr_t delta, link;

	if (!ksym_table || !&ksym_count || ksym_count == 0 || !&ksym_anchor_link)
		return NULL;
	/* The hosted kernel is position-independent: the table holds link-time
	 * addresses, so translate through a known function. */
	delta = (uintptr_t)ksym_lookup - (uintptr_t)ksym_anchor_link;
	link = addr - delta;
	hi = ksym_count;
	while (lo < hi) { /* last entry with addr <= link */
		unsigned mid = lo + (hi - lo) / 2;
		if (ksym_table[mid].addr <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &ksym_table[lo - 1];
	if (s->size && link >= s->addr + s->size)
		return NULL;
	*offset = link - s->addr;
	return ksym_names + s->name_off;
}
