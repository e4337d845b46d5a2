/* libFuzzer/AFL++ harness for path resolution: builds a small tree (nested
 * directories, a file, relative, absolute, dangling and looping symlinks, a
 * chroot-like root), then resolves the input's NUL-separated paths from
 * varying roots, cwds and flags (the first byte of each path chooses). */
#include <kern/vfs.h>
#include <string.h>

#include "../kernel/kfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
	const uint8_t *data;
	size_t size;
};

static void build_tree(const struct vfs_ctx *ctx)
{
	static const char *const dirs[] = {"/t", "/t/a", "/t/a/b", "/t/a/b/c", "/t/r", "/t/r/x"};
	static const char *const links[][2] = {
		{"a/b", "/t/ab"}, {"/t/a", "/t/abs"}, {"../..", "/t/a/b/up"}, {"nowhere", "/t/dangling"},
		{"loop2", "/t/loop1"}, {"loop1", "/t/loop2"}, {"/t/a/b/c/../../f", "/t/viaf"}, {"f/x", "/t/a/ff"},
	};
	struct file *f;

	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		vfs_mkdirat(ctx, NULL, dirs[i], 0755);
	if (vfs_openat(ctx, NULL, "/t/a/f", 0100 /* O_CREAT */ | 1, 0644, &f) == 0)
		file_put(f);
	for (unsigned i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		vfs_symlinkat(ctx, links[i][0], NULL, links[i][1]);
}

static void resolve(void *arg)
{
	struct blob *b = arg;
	struct inode *root = vfs_root(), *ip, *dirs[3] = {NULL, NULL, NULL};
	struct cred cred = {0};
	struct vfs_ctx ctx = {.cred = &cred, .root = root, .cwd = root};
	char path[512];
	size_t pos = 0;

	build_tree(&ctx);
	vfs_lookup(&ctx, NULL, "/t/a", LOOKUP_DIRECTORY, &dirs[0]);
	vfs_lookup(&ctx, NULL, "/t/r", LOOKUP_DIRECTORY, &dirs[1]);
	while (pos < b->size) {
		unsigned sel = b->data[pos++];
		size_t n = 0;
		while (pos < b->size && b->data[pos] && n < sizeof(path) - 1)
			path[n++] = (char)b->data[pos++];
		path[n] = '\0';
		pos++;
		cred.uid = cred.euid = (sel & 0x80) ? 1000 : 0;
		struct vfs_ctx c = {.cred = &cred,
				    .root = (sel & 0x40) && dirs[1] ? dirs[1] : root,
				    .cwd = dirs[(sel >> 4) & 1] ? dirs[(sel >> 4) & 1] : root};
		if (vfs_lookup(&c, dirs[(sel >> 2) & 1], path, sel & 3, &ip) == 0)
			inode_put(ip);
		if (vfs_lookup_dir(&c, NULL, path, &ip) == 0)
			inode_put(ip);
	}
	for (unsigned i = 0; i < 3; i++)
		if (dirs[i])
			inode_put(dirs[i]);
	inode_put(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b = {data, size};

	kfuzz_run(resolve, &b);
	return 0;
}
