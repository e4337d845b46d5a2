/* The cpio parser against an external oracle: a directory tree built on the
 * host is archived by the real GNU cpio (-o -H newc), unpacked by the kernel
 * into tmpfs, and every entry compared with the host's lstat() view; then
 * every truncation and a set of corruptions of that archive must be
 * rejected cleanly. */
#include <check.h>
#include "unit.h"
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "boot.h"
#include "test_cpio.h"

struct cpio_expect cpio_expected[CPIO_MAX_ENTRIES];
int cpio_nexpected;
unsigned char *cpio_archive;
size_t cpio_archive_len;

static char tree[256];
static size_t tree_len;

static void write_file(const char *rel, const void *data, size_t len, mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void make_dir(const char *rel, mode_t mode)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void make_link(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

static void hard_link(const char *old, const char *rel)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s/%s", tree, old);
	snprintf(b, sizeof(b), "%s/%s", tree, rel);
	ck_assert_int_eq(link(a, b), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int record(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct cpio_expect *e;
	const char *rel = path + tree_len;

	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0; /* the top directory itself: "." in the archive */
	ck_assert_int_lt(cpio_nexpected, CPIO_MAX_ENTRIES);
	e = &cpio_expected[cpio_nexpected++];
	snprintf(e->path, sizeof(e->path), "%s", rel);
	e->mode = st->st_mode;
	e->size = (unsigned long long)st->st_size;
	e->nlink = (unsigned)st->st_nlink;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mtime = st->st_mtime;
	e->rdev_major = major(st->st_rdev);
	e->rdev_minor = minor(st->st_rdev);
	e->host_ino = st->st_ino;
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(path, e->target, sizeof(e->target) - 1);
		ck_assert_int_gt(n, 0);
		e->target[n] = 0;
	}
	if (S_ISREG(st->st_mode)) {
		size_t n;
		e->data = slurp(path, &n);
		ck_assert_uint_eq(n, e->size);
	}
	return 0;
}

/* Builds the tree, archives it with GNU cpio and records the host's view. */
static void build_archive(void)
{
	static unsigned char big[100000];
	char cmd[768], archive[300];
	int status;

	snprintf(tree, sizeof(tree), "/tmp/macrohard-cpio-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	tree_len = strlen(tree);
	snprintf(archive, sizeof(archive), "%s.cpio", tree);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	make_dir("a", 0755);
	make_dir("a/b", 0750);
	make_dir("a/b/c", 0700);
	make_dir("sticky", 01777);
	make_dir("empty-dir", 0555 | 0200);
	write_file("a/f1", "first file\n", 11, 0644);
	write_file("a/exec", "#!/bin/sh\necho hi\n", 18, 0755);
	write_file("empty", "", 0, 0600);
	write_file("big", big, sizeof(big), 0640);
	write_file("setuid", "s", 1, 04755);
	write_file("a/name with spaces \xc3\xa9", "utf8", 4, 0444);
	make_link("a/f1", "link-rel");
	make_link("/etc/passwd", "link-abs");
	make_link("../f1", "a/b/up");
	make_link("dangling/target", "a/b/c/dangling");
	hard_link("a/f1", "hl1");
	hard_link("a/f1", "a/b/hl2");
	hard_link("big", "a/big-again");
	{
		char fifo[512];
		snprintf(fifo, sizeof(fifo), "%s/fifo", tree);
		ck_assert_int_eq(mkfifo(fifo, 0640), 0);
		ck_assert_int_eq(chmod(fifo, 0640), 0);
	}
	if (geteuid() == 0) {
		char dev[512];
		snprintf(dev, sizeof(dev), "%s/a/null", tree);
		ck_assert_int_eq(mknod(dev, S_IFCHR | 0666, makedev(1, 3)), 0);
		snprintf(dev, sizeof(dev), "%s/a/disk", tree);
		ck_assert_int_eq(mknod(dev, S_IFBLK | 0660, makedev(8, 300)), 0);
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C sort | cpio -o -H newc --quiet > '%s'", tree, archive);
	status = system(cmd);
	ck_assert_msg(status == 0, "cpio -o failed (is the cpio package installed?)");
	ck_assert_int_eq(nftw(tree, record, 16, FTW_PHYS), 0);
	cpio_archive = slurp(archive, &cpio_archive_len);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", tree, archive);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_cpio_matches_gnu_cpio)
{
	build_archive();
	ck_assert_int_ge(cpio_nexpected, 19); /* 21 as root (device nodes) */
	boot_kernel_and_run(cpio_kernel_compare, 2);
}
END_TEST

START_TEST(test_cpio_rejects_damage)
{
	build_archive();
	/* Hundreds of rejections are logged by design: keep them off the
	 * test output. */
	ck_assert(freopen("/dev/null", "w", stdout) != NULL);
	boot_kernel_and_run(cpio_kernel_reject_corrupt, 1);
}
END_TEST

UNIT_SUITE(cpio_suite)
Suite *cpio_suite(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("oracle");

	tcase_set_timeout(tc, 300);
	tcase_add_exit_test(tc, test_cpio_matches_gnu_cpio, 0);
	tcase_add_exit_test(tc, test_cpio_rejects_damage, 0);
	suite_add_tcase(s, tc);
	return s;
}
