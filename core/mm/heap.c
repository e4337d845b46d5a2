/* Kernel heap: one-page slabs per size class, whole pages beyond.
 * Every allocation lives in a page that starts with a header, so kfree()
 * finds its owner by rounding the pointer down to the page. */
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#define SLAB_MAGIC 0x51ab51abU
#define LARGE_MAGIC 0x1a26e0bbU
#define HEADER_SIZE 64
#define POISON_FREE 0x6b
#define MAX_OBJS_PER_SLAB ((PAGE_SIZE - HEADER_SIZE) / 16)

#ifndef KERNEL_DEBUG
#define KERNEL_DEBUG 0
#endif

static const uint16_t class_sizes[] = {16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024};
#define NCLASSES ARRAY_SIZE(class_sizes)
#define MAX_SLAB_OBJECT 1024

struct slab {
	uint32_t magic;
	uint16_t class_idx;
	uint16_t nfree;
	void *free;               /* first free object; next pointer in its first word */
	struct list_node partial; /* on the class's partial list while 0 < nfree < capacity */
	uint8_t allocated[MAX_OBJS_PER_SLAB / 8];
};
_Static_assert(sizeof(struct slab) <= HEADER_SIZE, "slab header must fit");

struct large_header {
	uint32_t magic;
	uint32_t order;
	size_t size;
};

struct size_class {
	spinlock_t lock;
	struct list_node partial;
	uint16_t size;
	uint16_t capacity; /* objects per slab */
};

static struct size_class classes[NCLASSES];
static spinlock_t stats_lock = SPINLOCK_INIT("heap-stats");
static struct heap_stats stats;

void heap_init(void)
{
	for (unsigned i = 0; i < NCLASSES; i++) {
		spin_init(&classes[i].lock, "heap-class");
		list_init(&classes[i].partial);
		classes[i].size = class_sizes[i];
		classes[i].capacity = (uint16_t)((PAGE_SIZE - HEADER_SIZE) / class_sizes[i]);
	}
}

static void stats_add(long objs, long bytes, long slab_pages, long large_pages)
{
	spin_lock(&stats_lock);
	stats.live_objects += objs;
	stats.live_bytes += bytes;
	stats.slab_pages += slab_pages;
	stats.large_pages += large_pages;
	spin_unlock(&stats_lock);
}

static unsigned class_for(size_t size)
{
	unsigned i = 0;
	while (class_sizes[i] < size)
		i++;
	return i;
}

static inline unsigned obj_index(const struct slab *s, const struct size_class *c, const void *p)
{
	return (unsigned)(((const uint8_t *)p - ((const uint8_t *)s + HEADER_SIZE)) / c->size);
}

/* Zeroes a fresh heap page whole. Under an emulator that translates code
 * (QEMU TCG), a page that held a user program's code keeps its translated
 * blocks after the program is gone; while any is left, every store to the
 * page takes the emulator's slow self-modifying-code path. A hot kernel
 * object in part of such a page (a task's saved registers) made every
 * syscall 100x slower; writing the page once drops them all. Only single
 * pages: multi-page blocks are buffers (64 KiB I/O bounce buffers per
 * read/write) whose zeroing would cost more than it saves. */
static void page_scrub(void *p, unsigned order)
{
	memset(p, 0, PAGE_SIZE << order);
}

static struct slab *slab_create(unsigned ci)
{
	struct size_class *c = &classes[ci];
	struct slab *s = page_alloc_virt(0);
	uint8_t *obj;

	if (!s)
		return NULL;
	page_scrub(s, 0);
	s->magic = SLAB_MAGIC;
	s->class_idx = (uint16_t)ci;
	s->nfree = c->capacity;
	list_init(&s->partial);
	obj = (uint8_t *)s + HEADER_SIZE;
	for (int i = c->capacity - 1; i >= 0; i--) {
		void *o = obj + (size_t)i * c->size;
		if (KERNEL_DEBUG)
			memset(o, POISON_FREE, c->size);
		*(void **)o = s->free;
		s->free = o;
	}
	stats_add(0, 0, 1, 0);
	return s;
}

/* A freed object is filled with POISON_FREE past its link word; any other
 * byte found at allocation time was written after free. */
static void check_poison(const struct slab *s, const struct size_class *c, const uint8_t *o)
{
	for (size_t i = sizeof(void *); i < c->size; i++) {
		if (o[i] != POISON_FREE) {
			spin_lock(&stats_lock);
			stats.poison_errors++;
			spin_unlock(&stats_lock);
			panic("heap: write after free at %p (+%zu) in a %u-byte object", (const void *)o, i,
			      c->size);
		}
	}
}

static void *slab_alloc(unsigned ci)
{
	struct size_class *c = &classes[ci];
	struct slab *s;
	void *o;

	spin_lock(&c->lock);
	if (list_empty(&c->partial)) {
		spin_unlock(&c->lock);
		s = slab_create(ci);
		if (!s)
			return NULL;
		spin_lock(&c->lock);
		list_push_front(&c->partial, &s->partial);
	}
	s = list_entry(c->partial.next, struct slab, partial);
	o = s->free;
	s->free = *(void **)o;
	if (--s->nfree == 0)
		list_remove(&s->partial);
	unsigned idx = obj_index(s, c, o);
	KASSERT(!(s->allocated[idx / 8] & (1u << (idx % 8))));
	s->allocated[idx / 8] |= (uint8_t)(1u << (idx % 8));
	if (KERNEL_DEBUG)
		check_poison(s, c, o);
	spin_unlock(&c->lock);
	stats_add(1, c->size, 0, 0);
	return o;
}

static void slab_free(struct slab *s, void *o)
{
	struct size_class *c = &classes[s->class_idx];
	bool release = false;
	unsigned idx;

	if ((((uint8_t *)o - ((uint8_t *)s + HEADER_SIZE)) % c->size) != 0)
		panic("kfree: %p is not the start of a %u-byte object", o, c->size);
	idx = obj_index(s, c, o);
	spin_lock(&c->lock);
	if (!(s->allocated[idx / 8] & (1u << (idx % 8))))
		panic("kfree: double free of %p", o);
	s->allocated[idx / 8] &= (uint8_t)~(1u << (idx % 8));
	if (KERNEL_DEBUG)
		memset(o, POISON_FREE, c->size);
	*(void **)o = s->free;
	s->free = o;
	if (s->nfree++ == 0)
		list_push_front(&c->partial, &s->partial);
	if (s->nfree == c->capacity) {
		list_remove(&s->partial);
		s->magic = 0;
		release = true;
	}
	spin_unlock(&c->lock);
	stats_add(-1, -(long)c->size, release ? -1 : 0, 0);
	if (release)
		page_free_virt(s, 0);
}

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	struct large_header *h;

	while ((PAGE_SIZE << order) < size + HEADER_SIZE)
		if (++order >= BUDDY_MAX_ORDER)
			return NULL;
	h = page_alloc_virt(order);
	if (!h)
		return NULL;
	if (order == 0)
		page_scrub(h, 0); /* bigger blocks are buffers their users fill */
	h->magic = LARGE_MAGIC;
	h->order = order;
	h->size = size;
	stats_add(1, (long)size, 0, 1L << order);
	return (uint8_t *)h + HEADER_SIZE;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > MAX_SLAB_OBJECT)
		return large_alloc(size);
	return slab_alloc(class_for(size));
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	uint32_t *magic;

	if (!p)
		return;
	magic = (uint32_t *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
	if (*magic == SLAB_MAGIC) {
		slab_free((struct slab *)magic, p);
	} else if (*magic == LARGE_MAGIC && (uint8_t *)p == (uint8_t *)magic + HEADER_SIZE) {
		struct large_header *h = (struct large_header *)magic;
		unsigned order = h->order;
		h->magic = 0;
		stats_add(-1, -(long)h->size, 0, -(1L << order));
		page_free_virt(h, order);
	} else {
		panic("kfree: %p was not returned by kmalloc (or was freed twice)", p);
	}
}

void heap_stats(struct heap_stats *st)
{
	spin_lock(&stats_lock);
	*st = stats;
	spin_unlock(&stats_lock);
}
