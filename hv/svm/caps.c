/* SVM detection from CPUID: leaf 0x80000001 ecx bit 2 says SVM exists,
 * leaf 0x8000000a gives the revision, the number of ASIDs and the features
 * (edx). The backend needs nested paging; NRIPS and decode assists are
 * used by nothing (QEMU's TCG lacks NRIPS). */
#include <kern/string.h>
#include <plat/virt.h>

#include "svm_internal.h"

#define EXT1_ECX_SVM       (1u << 2)
#define SVM_EDX_NP         (1u << 0)
#define SVM_EDX_NRIPS      (1u << 3)
#define SVM_EDX_VMCB_CLEAN (1u << 5)
#define SVM_EDX_FLUSH_ASID (1u << 6)
#define SVM_EDX_DECODE     (1u << 7)
#define LEAF_EXT_MAX       0x80000000u
#define LEAF_EXT1          0x80000001u
#define LEAF_SVM           0x8000000au

void hv_svm_parse_caps(uint32_t ext1_ecx, const uint32_t leaf[4], struct hv_svm_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->svm = (ext1_ecx & EXT1_ECX_SVM) != 0;
	if (!c->svm)
		return;
	c->revision = (uint8_t)leaf[0];
	c->nasid = leaf[1];
	c->npt = (leaf[3] & SVM_EDX_NP) != 0;
	c->nrips = (leaf[3] & SVM_EDX_NRIPS) != 0;
	c->vmcb_clean = (leaf[3] & SVM_EDX_VMCB_CLEAN) != 0;
	c->flush_by_asid = (leaf[3] & SVM_EDX_FLUSH_ASID) != 0;
	c->decode_assists = (leaf[3] & SVM_EDX_DECODE) != 0;
}

bool hv_svm_probe(struct hv_svm_caps *c, const char **why)
{
	uint32_t max[4], ext1[4], svm[4] = {0, 0, 0, 0};
	const char *no = NULL;

	plat_svm_cpuid(LEAF_EXT_MAX, max);
	plat_svm_cpuid(LEAF_EXT1, ext1);
	if (max[0] >= LEAF_SVM)
		plat_svm_cpuid(LEAF_SVM, svm);
	hv_svm_parse_caps(max[0] >= LEAF_EXT1 ? ext1[2] : 0, svm, c);
	if (!c->svm)
		no = "the CPU has no SVM (AMD-V)";
	else if (max[0] < LEAF_SVM)
		no = "the CPU has no SVM feature leaf 0x8000000a";
	else if (!c->npt)
		no = "the CPU has SVM without nested paging";
	else if (c->nasid < 2)
		no = "the CPU has SVM without guest ASIDs";
	if (no && why)
		*why = no;
	return no == NULL;
}
