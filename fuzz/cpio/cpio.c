/* libFuzzer/AFL++ harness: the input is an initramfs (cpio newc) unpacked
 * into the root tmpfs, which then is walked by path lookups of what it
 * created. The kernel is restored after every input, tmpfs included. */
#include <kern/vfs.h>

#include "../kernel/kfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
	const uint8_t *data;
	size_t size;
};

static void unpack(void *arg)
{
	static const char *const probes[] = {"/init", "/bin/sh", "/etc", "/a/b/c", "/l", "/dev/console"};
	struct blob *b = arg;
	struct inode *root = vfs_root(), *ip;
	struct cred cred = {0};
	struct vfs_ctx ctx = {.cred = &cred, .root = root, .cwd = root};

	cpio_unpack(root, b->data, b->size);
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (vfs_lookup(&ctx, NULL, probes[i], LOOKUP_FOLLOW, &ip) == 0)
			inode_put(ip);
	inode_put(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b = {data, size};

	kfuzz_run(unpack, &b);
	return 0;
}
