/* Host-side objects of the hosted platform that live outside the machine's
 * memory: an address space's struct plat_aspace is calloc'ed by the host
 * (platform-hosted/user.c). The snapshot does not cover the host's heap, so
 * the fuzz link wraps their creation and destruction (-Wl,--wrap=...):
 * - one that exists at the snapshot (the fuzz process's) is never freed: an
 *   input that destroys it is undone by the reset, which brings back the
 *   kernel's pointer to it; its bytes are saved and put back after every input;
 * - one created by an input and still alive at the reset is destroyed then
 *   (the restored kernel no longer knows it), so inputs do not leak. */
#include "kfuzz.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct plat_aspace;
struct plat_aspace *__real_plat_aspace_create(unsigned long pml4);
struct plat_aspace *__wrap_plat_aspace_create(unsigned long pml4);
void __real_plat_aspace_destroy(struct plat_aspace *as);
void __wrap_plat_aspace_destroy(struct plat_aspace *as);

#define MAX_OBJS 64

struct obj {
	struct plat_aspace *as;
	void *saved; /* bytes at the snapshot, if it existed then */
	size_t size;
};

static struct obj objs[MAX_OBJS];
static unsigned nobjs, nbooted; /* objs[0..nbooted) existed at the snapshot */

struct plat_aspace *__wrap_plat_aspace_create(unsigned long pml4)
{
	struct plat_aspace *as = __real_plat_aspace_create(pml4);

	if (as && nobjs < MAX_OBJS)
		objs[nobjs++] = (struct obj){.as = as};
	return as;
}

void __wrap_plat_aspace_destroy(struct plat_aspace *as)
{
	for (unsigned i = 0; i < nobjs; i++) {
		if (objs[i].as != as)
			continue;
		if (i < nbooted)
			return; /* the reset brings it back */
		objs[i] = objs[--nobjs];
		break;
	}
	__real_plat_aspace_destroy(as);
}

void kfuzz_host_snapshot(void)
{
	nbooted = nobjs;
	for (unsigned i = 0; i < nbooted; i++) {
		objs[i].size = malloc_usable_size(objs[i].as);
		objs[i].saved = malloc(objs[i].size);
		if (!objs[i].saved) {
			fprintf(stderr, "kfuzz: no memory for the snapshot\n");
			abort();
		}
		memcpy(objs[i].saved, objs[i].as, objs[i].size);
	}
}

void kfuzz_host_restore(void)
{
	while (nobjs > nbooted)
		__real_plat_aspace_destroy(objs[--nobjs].as);
	for (unsigned i = 0; i < nbooted; i++)
		memcpy(objs[i].as, objs[i].saved, objs[i].size);
}
