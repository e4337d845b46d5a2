/* libFuzzer/AFL++ harness: the input is an executable for elf_load (through
 * its read callback, as exec reads files) and elf_setup_stack, in a fresh
 * address space of a kernel restored after every input. */
#include <kern/elf_loader.h>
#include <kern/vm.h>
#include <string.h>

#include "../kernel/kfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
	const uint8_t *data;
	size_t size;
};

static long read_blob(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct blob *b = ctx;

	if (off >= b->size)
		return 0;
	if (len > b->size - off)
		len = (size_t)(b->size - off);
	memcpy(buf, b->data + off, len);
	return (long)len;
}

static void load(void *arg)
{
	static const char *const argv[] = {"fuzz", "-x", NULL}, *const envp[] = {"A=1", NULL};
	struct vm_space *vm = vm_create();
	struct elf_image img;
	struct user_stack_args sa = {.argv = argv, .envp = envp, .execfn = "/fuzz", .random_seed = 1};

	if (!vm)
		return;
	if (elf_load(vm, read_blob, arg, &img) == 0)
		elf_setup_stack(vm, &img, &sa);
	vm_put(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b = {data, size};

	kfuzz_run(load, &b);
	return 0;
}
