/* Hardware virtualization on bare metal: the SVM backend (hv/svm) when the
 * CPU has AMD-V with nested paging; VMX is not written yet. */
#include <hv/svm/svm.h>
#include <plat/virt.h>

unsigned plat_virt_caps(void)
{
	struct hv_svm_caps c;

	hv_svm_probe(&c, NULL);
	if (!c.svm)
		return 0;
	return PLAT_VIRT_SVM | (c.npt ? PLAT_VIRT_NESTED_PAGING : 0);
}

const struct hv_backend *plat_virt_backend(const char **why)
{
	struct hv_svm_caps c;
	const char *no = NULL;

	if (hv_svm_probe(&c, &no))
		return &hv_backend_svm;
	if (why)
		*why = c.svm ? no : "the CPU has no SVM (AMD-V) and the VMX backend is not written yet";
	return NULL;
}
