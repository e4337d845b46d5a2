/* Virtual-processor IDs: one per vCPU, so its guest-linear TLB entries
 * survive VM entries and exits. 0 is the host's. A vCPU's VPID is flushed
 * whenever it moves to another CPU (also at its first entry), so a recycled
 * VPID never meets a previous owner's entries. */
#include <kern/spinlock.h>

#include "vmx_internal.h"

#define VPID_MAX 4096

static uint64_t used[VPID_MAX / 64];
static spinlock_t vpid_lock = SPINLOCK_INIT("vmx-vpid");

uint16_t vmx_vpid_alloc(void)
{
	uint16_t found = 0;

	spin_lock(&vpid_lock);
	for (unsigned id = 1; id < VPID_MAX; id++) {
		if (!(used[id / 64] & (1ull << (id % 64)))) {
			used[id / 64] |= 1ull << (id % 64);
			found = (uint16_t)id;
			break;
		}
	}
	spin_unlock(&vpid_lock);
	return found;
}

void vmx_vpid_free(uint16_t vpid)
{
	if (vpid == 0 || vpid >= VPID_MAX)
		return;
	spin_lock(&vpid_lock);
	used[vpid / 64] &= ~(1ull << (vpid % 64));
	spin_unlock(&vpid_lock);
}
