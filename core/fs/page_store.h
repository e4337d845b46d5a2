/* A sparse array of pages indexed by page number (a radix tree of
 * page-sized nodes): the data of a tmpfs regular file. Not locked: the
 * owning inode's lock serializes every call. */
#ifndef CORE_FS_PAGE_STORE_H
#define CORE_FS_PAGE_STORE_H
#include <kern/types.h>

#define PAGE_STORE_MAX_HEIGHT 4 /* 512^4 pages: 2^48 bytes */
#define PAGE_STORE_MAX_BYTES  (1ULL << 48)

struct page_store {
	void **root;
	unsigned height; /* 0: empty */
	uint64_t npages; /* data pages held */
};

/* The page holding index, or NULL for a hole. */
void *page_store_lookup(struct page_store *ps, uint64_t index);
/* The page holding index, allocating a zeroed one; NULL when out of memory. */
void *page_store_get(struct page_store *ps, uint64_t index);
/* Frees every page at or after index. */
void page_store_truncate(struct page_store *ps, uint64_t index);
#endif
