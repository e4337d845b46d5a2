/* Address space IDs: one per vCPU, so a vCPU's guest TLB entries survive
 * other guests and the host on the same CPU. 0 belongs to the host; the
 * backend flushes a vCPU's ASID whenever it moves to another CPU, so a
 * recycled ASID never sees a previous owner's entries. */
#include <kern/spinlock.h>

#include "svm_internal.h"

#define ASID_MAX 4096

static uint64_t used[ASID_MAX / 64];
static spinlock_t asid_lock = SPINLOCK_INIT("svm-asid");

uint32_t svm_asid_alloc(uint32_t nasid)
{
	uint32_t limit = nasid < ASID_MAX ? nasid : ASID_MAX, found = 0;

	spin_lock(&asid_lock);
	for (uint32_t a = 1; a < limit; a++) {
		if (!(used[a / 64] & (1ull << (a % 64)))) {
			used[a / 64] |= 1ull << (a % 64);
			found = a;
			break;
		}
	}
	spin_unlock(&asid_lock);
	return found;
}

void svm_asid_free(uint32_t asid)
{
	if (asid == 0 || asid >= ASID_MAX)
		return;
	spin_lock(&asid_lock);
	used[asid / 64] &= ~(1ull << (asid % 64));
	spin_unlock(&asid_lock);
}
