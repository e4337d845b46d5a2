/* Nested page tables in AMD's format (hv/core/nested_pt.c builds them).
 * Nested walks are user accesses, so every level has U set; read-only
 * chunks (ROM) lack W. Unmapped addresses exit with #VMEXIT(NPF). */
#include "svm_internal.h"

#define NPT_P  (1ull << 0)
#define NPT_W  (1ull << 1)
#define NPT_U  (1ull << 2)
#define NPT_PS (1ull << 7)

static const struct nested_pt_format npt_format = {
    .present = NPT_P,
    .table = NPT_P | NPT_W | NPT_U,
    .leaf = NPT_P | NPT_U,
    .write = NPT_W,
    .large = NPT_PS,
};

int svm_npt_init(struct svm_vm *vm)
{
	return nested_pt_init(&vm->npt, &npt_format, true, "svm-npt");
}

void svm_npt_destroy(struct svm_vm *vm)
{
	nested_pt_destroy(&vm->npt);
}

int svm_npt_map(struct svm_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	return nested_pt_map(&vm->npt, gpa, hpa, size, writable);
}

int svm_npt_unmap(struct svm_vm *vm, uint64_t gpa, uint64_t size)
{
	return nested_pt_unmap(&vm->npt, gpa, size);
}

paddr_t svm_npt_translate(struct svm_vm *vm, uint64_t gpa, bool write)
{
	return nested_pt_translate(&vm->npt, gpa, write);
}
