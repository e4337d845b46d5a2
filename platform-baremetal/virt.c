/* Hardware virtualization on bare metal: the SVM and VMX backends come with
 * the bare-metal hypervisor work; until then none is offered. */
#include <plat/virt.h>

unsigned plat_virt_caps(void)
{
	return 0;
}

const struct hv_backend *plat_virt_backend(const char **why)
{
	if (why)
		*why = "the SVM and VMX backends are not built yet";
	return NULL;
}
