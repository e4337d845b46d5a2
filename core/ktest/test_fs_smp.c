/* File-system self tests: many threads on every CPU creating, writing,
 * reading, renaming and removing files in one shared directory tree. */
#include <kern/atomic.h>
#include <kern/sched.h>
#include <plat/cpu.h>

#include "test_fs.h"

#define WORKERS 4
#define ROUNDS 40

struct smp_fs_test {
	struct ktest_ctx *kt;
	struct fs_fixture fx;
	volatile long ops;
};

static void fs_worker(void *arg)
{
	struct smp_fs_test *t = arg;
	const struct vfs_ctx *c = &t->fx.ctx;
	int id = (int)(atomic_fetch_add(&t->ops, 1) % 1000);
	char name[32], other[32], buf[64], expect[64];
	struct kstat st;

	for (int i = 0; i < ROUNDS && !t->kt->failed; i++) {
		ksnprintf(name, sizeof(name), "shared/w%d-%d", id, i % 7);
		ksnprintf(other, sizeof(other), "shared/r%d", id);
		int n = ksnprintf(expect, sizeof(expect), "worker %d round %d", id, i);
		KT_CHECK(t->kt, put_file(c, name, expect, (size_t)n, 0644) == 0);
		KT_CHECK(t->kt, get_file(c, name, buf, sizeof(buf)) == n);
		KT_CHECK(t->kt, memcmp(buf, expect, (size_t)n) == 0);
		KT_CHECK(t->kt, vfs_renameat(c, NULL, name, NULL, other, 0) == 0);
		KT_CHECK(t->kt, stat_path(c, other, &st) == 0 && st.size == (uint64_t)n);
		/* Everyone also churns one common name and one common directory. */
		int err = vfs_mkdirat(c, NULL, "shared/common", 0755);
		KT_CHECK(t->kt, err == 0 || err == -EEXIST);
		err = vfs_unlinkat(c, NULL, "shared/common", AT_REMOVEDIR);
		KT_CHECK(t->kt, err == 0 || err == -ENOENT || err == -ENOTEMPTY);
		err = vfs_linkat(c, NULL, other, NULL, "shared/hot", 0);
		KT_CHECK(t->kt, err == 0 || err == -EEXIST);
		err = vfs_unlinkat(c, NULL, "shared/hot", 0);
		KT_CHECK(t->kt, err == 0 || err == -ENOENT);
		if (i % 10 == 0)
			thread_yield();
	}
	vfs_unlinkat(c, NULL, other, 0);
}

KTEST(fs_smp_stress)
{
	static struct smp_fs_test t;
	struct thread *th[WORKERS];
	struct file *f;
	static char buf[4096];

	t.kt = kt;
	t.ops = 0;
	KT_ASSERT(fx_init(&t.fx));
	KT_CHECK(kt, vfs_mkdirat(&t.fx.ctx, NULL, "shared", 0755) == 0);
	for (int i = 0; i < WORKERS; i++)
		th[i] = thread_create(fs_worker, &t, "fs-worker", SCHED_PRIO_DEFAULT, i % (int)plat_cpu_count(), false);
	/* Meanwhile, list the directory over and over. */
	for (int i = 0; i < 10 && !kt->failed; i++) {
		if (vfs_openat(&t.fx.ctx, NULL, "shared", O_RDONLY | O_DIRECTORY, 0, &f) == 0) {
			while (vfs_getdents64(f, buf, sizeof(buf)) > 0)
				;
			file_put(f);
		}
		thread_yield();
	}
	for (int i = 0; i < WORKERS; i++) {
		KT_CHECK(kt, th[i] != NULL);
		if (th[i])
			thread_join(th[i]);
	}
	KT_CHECK(kt, vfs_unlinkat(&t.fx.ctx, NULL, "shared", AT_REMOVEDIR) == 0);
	KT_ASSERT_EQ(fx_fini(&t.fx), 0);
}
