/* Hardware virtualization on bare metal: the SVM backend (hv/svm) when the
 * CPU has AMD-V with nested paging, else the VMX backend (hv/vmx) when it
 * has VT-x with EPT and unrestricted guest. */
#include <hv/svm/svm.h>
#include <hv/vmx/vmx.h>
#include <plat/virt.h>

unsigned plat_virt_caps(void)
{
	struct hv_svm_caps s;
	struct hv_vmx_caps v;
	unsigned caps = 0;

	hv_svm_probe(&s, NULL);
	if (s.svm)
		caps |= PLAT_VIRT_SVM | (s.npt ? PLAT_VIRT_NESTED_PAGING : 0);
	hv_vmx_probe(&v, NULL);
	if (v.vmx)
		caps |= PLAT_VIRT_VMX | (v.ept ? PLAT_VIRT_NESTED_PAGING : 0);
	return caps;
}

const struct hv_backend *plat_virt_backend(const char **why)
{
	struct hv_svm_caps s;
	struct hv_vmx_caps v;
	struct hv_vmx_ctls ctls;
	const char *svm_no = NULL, *vmx_no = NULL;

	if (hv_svm_probe(&s, &svm_no))
		return &hv_backend_svm;
	if (hv_vmx_probe(&v, &vmx_no)) {
		if (!hv_vmx_compute_ctls(&v, &ctls, &vmx_no))
			return &hv_backend_vmx;
		vmx_no = "the CPU's VMX lacks a control the backend needs";
	}
	if (why)
		*why = s.svm ? svm_no : vmx_no;
	return NULL;
}
