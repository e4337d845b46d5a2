/* Guest physical memory (include/hv/gmem.h): regions backed by host pages
 * in GMEM_CHUNK pieces, bounds-checked copies and dirty tracking. */
#include <hv/gmem.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>

#define CHUNK_PAGES (GMEM_CHUNK / GMEM_PAGE)

void gmem_init(struct gmem *m, uint64_t ram_limit)
{
	memset(m, 0, sizeof(*m));
	m->ram_limit = ram_limit;
}

static bool backed(enum gmem_kind kind)
{
	return kind == GMEM_RAM || kind == GMEM_ROM;
}

static unsigned region_chunks(const struct gmem_region *r)
{
	return (unsigned)((r->size + GMEM_CHUNK - 1) / GMEM_CHUNK);
}

/* The buddy order of chunk `i`: full chunks are GMEM_CHUNK, the last one
 * only as large as the region's tail needs. */
static unsigned chunk_order(const struct gmem_region *r, unsigned i)
{
	uint64_t bytes = MIN(GMEM_CHUNK, r->size - (uint64_t)i * GMEM_CHUNK);
	uint64_t pages = bytes / GMEM_PAGE;
	unsigned order = 0;

	while ((1ull << order) < pages)
		order++;
	return order;
}

static void region_free(struct gmem_region *r)
{
	if (r->chunk) {
		for (unsigned i = 0; i < region_chunks(r); i++)
			if (r->chunk[i])
				page_free(r->chunk[i], chunk_order(r, i));
		kfree(r->chunk);
	}
	kfree(r->dirty);
	r->chunk = NULL;
	r->dirty = NULL;
}

void gmem_destroy(struct gmem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		region_free(&m->region[i]);
	m->n = 0;
	m->ram_bytes = 0;
}

static int region_populate(struct gmem_region *r)
{
	unsigned n = region_chunks(r);

	r->chunk = kzalloc(n * sizeof(r->chunk[0]));
	if (!r->chunk)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		unsigned order = chunk_order(r, i);

		r->chunk[i] = page_alloc(order);
		if (!r->chunk[i])
			return -ENOMEM;
		memset(plat_phys_to_virt(r->chunk[i]), 0, GMEM_PAGE << order);
	}
	if (r->kind == GMEM_RAM) {
		r->dirty = kzalloc(((r->size / GMEM_PAGE + 63) / 64) * sizeof(uint64_t));
		if (!r->dirty)
			return -ENOMEM;
	}
	return 0;
}

int gmem_add(struct gmem *m, uint64_t gpa, uint64_t size, enum gmem_kind kind, const char *name)
{
	struct gmem_region r = {gpa, size, kind, NULL, NULL, name ? name : "?"};
	unsigned pos;
	int err;

	if (size == 0 || gpa % GMEM_PAGE || size % GMEM_PAGE || gpa + (size - 1) < gpa ||
	    (kind != GMEM_RAM && kind != GMEM_ROM && kind != GMEM_MMIO))
		return -EINVAL;
	for (pos = 0; pos < m->n && m->region[pos].gpa < gpa; pos++)
		;
	if (pos > 0 && m->region[pos - 1].gpa + (m->region[pos - 1].size - 1) >= gpa)
		return -EBUSY;
	if (pos < m->n && m->region[pos].gpa <= gpa + (size - 1))
		return -EBUSY;
	if (m->n == GMEM_MAX_REGIONS)
		return -ENOSPC;
	if (backed(kind)) {
		if (m->ram_limit && (size > m->ram_limit || m->ram_bytes > m->ram_limit - size))
			return -ENOMEM;
		err = region_populate(&r);
		if (err) {
			region_free(&r);
			return err;
		}
		m->ram_bytes += size;
	}
	memmove(&m->region[pos + 1], &m->region[pos], (m->n - pos) * sizeof(m->region[0]));
	m->region[pos] = r;
	m->n++;
	return 0;
}

const struct gmem_region *gmem_find(const struct gmem *m, uint64_t gpa)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct gmem_region *r = &m->region[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

static void *region_ptr(const struct gmem_region *r, uint64_t gpa)
{
	uint64_t off = gpa - r->gpa;

	return (char *)plat_phys_to_virt(r->chunk[off / GMEM_CHUNK]) + off % GMEM_CHUNK;
}

paddr_t gmem_gpa_to_hpa(const struct gmem *m, uint64_t gpa)
{
	const struct gmem_region *r = gmem_find(m, gpa);
	uint64_t off;

	if (!r || !backed(r->kind))
		return 0;
	off = gpa - r->gpa;
	return r->chunk[off / GMEM_CHUNK] + off % GMEM_CHUNK;
}

static void region_dirty(const struct gmem_region *r, uint64_t gpa, uint64_t len)
{
	uint64_t first, last;

	if (!r->dirty || len == 0)
		return;
	first = (gpa - r->gpa) / GMEM_PAGE;
	last = (gpa - r->gpa + len - 1) / GMEM_PAGE;
	for (uint64_t p = first; p <= last; p++)
		atomic_fetch_or(&r->dirty[p / 64], 1ull << (p % 64));
}

void *gmem_map_range(struct gmem *m, uint64_t gpa, uint64_t len, bool write)
{
	const struct gmem_region *r = gmem_find(m, gpa);
	uint64_t off;

	if (!r || len == 0 || gpa + (len - 1) < gpa)
		return NULL;
	if (r->kind != GMEM_RAM && (write || r->kind != GMEM_ROM))
		return NULL;
	off = gpa - r->gpa;
	if (len > r->size - off || off / GMEM_CHUNK != (off + len - 1) / GMEM_CHUNK)
		return NULL;
	if (write)
		region_dirty(r, gpa, len);
	return region_ptr(r, gpa);
}

/* Whether every byte of [gpa, gpa+len) is backed and allowed for the
 * access: regions must follow each other without a gap. */
static bool range_ok(const struct gmem *m, uint64_t gpa, uint64_t len, bool write, bool rom_ok)
{
	if (len && gpa + (len - 1) < gpa)
		return false;
	while (len) {
		const struct gmem_region *r = gmem_find(m, gpa);
		uint64_t n;

		if (!r || r->kind == GMEM_MMIO || (r->kind == GMEM_ROM && write && !rom_ok))
			return false;
		n = MIN(len, r->size - (gpa - r->gpa));
		gpa += n;
		len -= n;
	}
	return true;
}

/* Copies chunk by chunk; the range was checked. */
static void copy(const struct gmem *m, uint64_t gpa, void *buf, uint64_t len, bool to_guest)
{
	char *p = buf;

	while (len) {
		const struct gmem_region *r = gmem_find(m, gpa);
		uint64_t off = gpa - r->gpa;
		uint64_t n = MIN(len, GMEM_CHUNK - off % GMEM_CHUNK);

		n = MIN(n, r->size - off);
		if (to_guest) {
			memcpy(region_ptr(r, gpa), p, n);
			region_dirty(r, gpa, n);
		} else {
			memcpy(p, region_ptr(r, gpa), n);
		}
		gpa += n;
		p += n;
		len -= n;
	}
}

int gmem_read(const struct gmem *m, uint64_t gpa, void *buf, uint64_t len)
{
	if (!range_ok(m, gpa, len, false, false))
		return -EFAULT;
	copy(m, gpa, buf, len, false);
	return 0;
}

int gmem_write(struct gmem *m, uint64_t gpa, const void *buf, uint64_t len)
{
	if (!range_ok(m, gpa, len, true, false))
		return -EFAULT;
	copy(m, gpa, (void *)buf, len, true);
	return 0;
}

int gmem_write_rom(struct gmem *m, uint64_t gpa, const void *buf, uint64_t len)
{
	if (!range_ok(m, gpa, len, true, true))
		return -EFAULT;
	copy(m, gpa, (void *)buf, len, true);
	return 0;
}

void gmem_dirty_mark(struct gmem *m, uint64_t gpa, uint64_t len)
{
	while (len) {
		const struct gmem_region *r = gmem_find(m, gpa);
		uint64_t n;

		if (!r)
			return;
		n = MIN(len, r->size - (gpa - r->gpa));
		region_dirty(r, gpa, n);
		if (gpa + n < gpa)
			return;
		gpa += n;
		len -= n;
	}
}

long gmem_dirty_take(struct gmem *m, unsigned idx, uint64_t *bits, uint64_t nwords)
{
	struct gmem_region *r;
	uint64_t words;
	long count = 0;

	if (idx >= m->n)
		return -EINVAL;
	r = &m->region[idx];
	words = (r->size / GMEM_PAGE + 63) / 64;
	if (!r->dirty || nwords < words)
		return -EINVAL;
	for (uint64_t i = 0; i < words; i++) {
		bits[i] = atomic_exchange(&r->dirty[i], 0);
		count += __builtin_popcountll(bits[i]);
	}
	return count;
}

int gmem_remove(struct gmem *m, uint64_t gpa)
{
	for (unsigned i = 0; i < m->n; i++) {
		struct gmem_region *r = &m->region[i];

		if (r->gpa != gpa)
			continue;
		if (backed(r->kind))
			m->ram_bytes -= r->size;
		region_free(r);
		memmove(r, r + 1, (m->n - i - 1) * sizeof(*r));
		m->n--;
		return 0;
	}
	return -ENOENT;
}
