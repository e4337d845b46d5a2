/* Hardware virtualization on the hosted platform: the KVM backend. */
#include <plat/virt.h>

unsigned plat_virt_caps(void)
{
	return 0;
}

const struct hv_backend *plat_virt_backend(const char **why)
{
	if (why)
		*why = "the KVM backend is not built yet";
	return NULL;
}
