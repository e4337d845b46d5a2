/* Guest physical memory: a sorted map of regions (RAM, ROM, MMIO holes).
 * RAM and ROM are backed by host pages allocated in chunks of GMEM_CHUNK
 * bytes (each chunk contiguous in host-physical memory, so a backend maps
 * chunk by chunk). Every access a device model or loader makes goes through
 * gmem_read/gmem_write/gmem_map_range, which check bounds and mark written
 * pages dirty. Guest writes by the CPU are tracked by the backend's dirty
 * log and merged with gmem_dirty_mark. */
#ifndef HV_GMEM_H
#define HV_GMEM_H
#include <kern/types.h>

#define GMEM_PAGE        4096ull
#define GMEM_CHUNK       (2ull << 20)
#define GMEM_MAX_REGIONS 16

enum gmem_kind {
	GMEM_RAM,  /* read-write guest memory */
	GMEM_ROM,  /* read-only for the guest (firmware, option ROMs); loaders may write */
	GMEM_MMIO, /* a hole: accesses exit to the MMIO bus */
};

struct gmem_region {
	uint64_t gpa, size; /* page aligned */
	enum gmem_kind kind;
	paddr_t *chunk;  /* host-physical base of each GMEM_CHUNK (RAM/ROM) */
	uint64_t *dirty; /* one bit per guest page (RAM) */
	const char *name;
};

struct gmem {
	struct gmem_region region[GMEM_MAX_REGIONS]; /* sorted by gpa */
	unsigned n;
	uint64_t ram_bytes, ram_limit; /* limit 0: none */
};

void gmem_init(struct gmem *m, uint64_t ram_limit);
/* Frees every region's host pages. */
void gmem_destroy(struct gmem *m);
/* Adds a region; RAM/ROM get zeroed host pages. -EINVAL for unaligned or
 * wrapping ranges, -EBUSY for overlap, -ENOMEM past ram_limit or when host
 * pages run out, -ENOSPC when the map is full. */
int gmem_add(struct gmem *m, uint64_t gpa, uint64_t size, enum gmem_kind kind, const char *name);
/* Removes the region that starts at `gpa` and frees its pages; -ENOENT if
 * none starts there. */
int gmem_remove(struct gmem *m, uint64_t gpa);
const struct gmem_region *gmem_find(const struct gmem *m, uint64_t gpa);

/* Host-physical address of guest page `gpa` in RAM/ROM; 0 if none. */
paddr_t gmem_gpa_to_hpa(const struct gmem *m, uint64_t gpa);
/* A host pointer to [gpa, gpa+len) if the whole range lies in one chunk of
 * one RAM (or, for !write, ROM) region; NULL otherwise. A writable mapping
 * marks the pages dirty. */
void *gmem_map_range(struct gmem *m, uint64_t gpa, uint64_t len, bool write);
/* Copies between guest memory and a host buffer across pages, chunks and
 * adjacent regions. -EFAULT if any byte is outside RAM (writes also refuse
 * ROM unless `loader` is set via gmem_write_rom). Nothing is copied then. */
int gmem_read(const struct gmem *m, uint64_t gpa, void *buf, uint64_t len);
int gmem_write(struct gmem *m, uint64_t gpa, const void *buf, uint64_t len);
int gmem_write_rom(struct gmem *m, uint64_t gpa, const void *buf, uint64_t len);

void gmem_dirty_mark(struct gmem *m, uint64_t gpa, uint64_t len);
/* Copies region `idx`'s dirty bitmap to `bits` (one bit per page) and clears
 * it. Returns the number of dirty pages or -EINVAL. */
long gmem_dirty_take(struct gmem *m, unsigned idx, uint64_t *bits, uint64_t nwords);
#endif
