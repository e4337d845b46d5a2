/* Intrusive circular doubly-linked list. */
#ifndef KERN_LIST_H
#define KERN_LIST_H
#include <kern/types.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *h)
{
	h->next = h->prev = h;
}
static inline bool list_empty(const struct list_node *h)
{
	return h->next == h;
}
static inline void list_insert_between(struct list_node *n, struct list_node *prev, struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}
static inline void list_push_back(struct list_node *h, struct list_node *n)
{
	list_insert_between(n, h->prev, h);
}
static inline void list_push_front(struct list_node *h, struct list_node *n)
{
	list_insert_between(n, h, h->next);
}
static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
static inline struct list_node *list_pop_front(struct list_node *h)
{
	struct list_node *n = h->next;
	if (n == h)
		return NULL;
	list_remove(n);
	return n;
}
/* True if the node was initialised and is linked into some list. */
static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

#define list_entry(n, t, m) container_of(n, t, m)
#define list_for_each(it, h) for (struct list_node *it = (h)->next; it != (h); it = it->next)
#define list_for_each_safe(it, tmp, h) \
	for (struct list_node *it = (h)->next, *tmp = it->next; it != (h); it = tmp, tmp = it->next)
#endif
