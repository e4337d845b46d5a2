/* File syscalls as a libc uses them: create/read/write/seek/stat, pread and
 * pwrite, directories and getdents64, symlinks and readlink, rename, hard
 * link counts, dup/dup2/dup3/fcntl, chdir/getcwd, truncate, utimensat,
 * statfs, sendfile, and the errno of each error path. Works under /tmp.
 * Exits 0 when all is well, else the line of the failed check (mod 256,
 * also printed). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fs_files: line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
			exit(__LINE__ & 0xff ? __LINE__ & 0xff : 1);                      \
		}                                                                         \
	} while (0)
#define FAILS(call, err) CHECK((call) == -1 && errno == (err))

#define DIR_ "/tmp/fs_files"

/* Removes a tree (the runner checks that the kernel's memory comes back). */
static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[512];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
			rewinddir(d);
		}
		closedir(d);
		CHECK(rmdir(path) == 0);
	} else {
		CHECK(unlink(path) == 0);
	}
}

static void files(void)
{
	struct stat st;
	char buf[64];
	int fd;

	fd = open(DIR_ "/a", O_RDWR | O_CREAT | O_EXCL, 0640);
	CHECK(fd >= 0);
	FAILS(open(DIR_ "/a", O_RDWR | O_CREAT | O_EXCL, 0640), EEXIST);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(lseek(fd, -5, SEEK_END) == 6);
	FAILS(lseek(fd, -100, SEEK_SET), EINVAL);
	FAILS(lseek(fd, 0, 42), EINVAL);
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 6); /* pread/pwrite leave the position */
	FAILS(pread(fd, buf, 1, -1), EINVAL);
	CHECK(fstat(fd, &st) == 0);
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == (0640 & ~022) && st.st_size == 11 && st.st_nlink == 1);
	CHECK(st.st_uid == 0 && st.st_blksize > 0);
	/* A hole reads as zeros. */
	CHECK(pwrite(fd, "!", 1, 8191) == 1);
	CHECK(pread(fd, buf, 4, 4096) == 4 && buf[0] == 0 && buf[3] == 0);
	CHECK(ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3);
	FAILS(ftruncate(fd, -1), EINVAL);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
	CHECK(close(fd) == 0);
	FAILS(close(fd), EBADF);
	FAILS(read(fd, buf, 1), EBADF);
	FAILS(fstat(fd, &st), EBADF);
	FAILS(lseek(fd, 0, SEEK_SET), EBADF);

	/* O_APPEND, O_TRUNC, read-only/write-only descriptors. */
	fd = open(DIR_ "/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "XY", 2) == 2);
	FAILS(read(fd, buf, 1), EBADF);
	CHECK(close(fd) == 0);
	fd = open(DIR_ "/a", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "helXY", 5) == 0);
	FAILS(write(fd, "x", 1), EBADF);
	FAILS(ftruncate(fd, 0), EINVAL);
	CHECK(close(fd) == 0);
	fd = creat(DIR_ "/a", 0600);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(close(fd) == 0);
	CHECK(truncate(DIR_ "/a", 100) == 0 && stat(DIR_ "/a", &st) == 0 && st.st_size == 100);
	FAILS(truncate(DIR_ "/a", -1), EINVAL);
	FAILS(truncate(DIR_, 0), EISDIR);

	/* Path errors. */
	FAILS(open(DIR_ "/missing", O_RDONLY), ENOENT);
	FAILS(open(DIR_ "/a/x", O_RDONLY), ENOTDIR);
	FAILS(open(DIR_, O_WRONLY), EISDIR);
	FAILS(open("", O_RDONLY), ENOENT);
	FAILS(open((char *)1, O_RDONLY), EFAULT);
	FAILS(open(DIR_ "/a", O_RDONLY | O_DIRECTORY), ENOTDIR);
	{
		static char longname[300], longpath[PATH_MAX + 10];
		memset(longname, 'n', sizeof(longname) - 1);
		FAILS(open(longname, O_RDONLY), ENAMETOOLONG);
		memset(longpath, 'p', sizeof(longpath) - 1);
		FAILS(stat(longpath, &st), ENAMETOOLONG);
	}
	FAILS(stat(DIR_ "/missing", &st), ENOENT);
	CHECK(access(DIR_ "/a", R_OK | W_OK) == 0);
	FAILS(access(DIR_ "/missing", F_OK), ENOENT);
	FAILS(access(DIR_ "/a", 0100), EINVAL);
	CHECK(faccessat(AT_FDCWD, DIR_ "/a", R_OK, AT_EACCESS) == 0);
	CHECK(syscall(SYS_faccessat2, AT_FDCWD, DIR_ "/a", R_OK, AT_EACCESS) == 0);
}

struct k_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int count_entries(const char *path, int *found_b)
{
	_Alignas(8) char buf[128]; /* small: several getdents64 calls */
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0;
	long r;

	CHECK(fd >= 0);
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < r;) {
			struct k_dirent64 *d = (struct k_dirent64 *)(buf + off);
			if (strcmp(d->d_name, "b") == 0)
				*found_b = d->d_type == DT_DIR;
			n++;
			off += d->d_reclen;
		}
	}
	CHECK(r == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	FAILS(syscall(SYS_getdents64, fd, buf, 8), EINVAL); /* not even "." fits */
	CHECK(close(fd) == 0);
	return n;
}

static void directories(void)
{
	struct stat st;
	char cwd[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int n = 0, found_b = 0, fd;

	CHECK(mkdir(DIR_ "/b", 0755) == 0);
	FAILS(mkdir(DIR_ "/b", 0755), EEXIST);
	FAILS(mkdir(DIR_ "/no/such", 0755), ENOENT);
	CHECK(stat(DIR_ "/b", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2);
	for (int i = 0; i < 20; i++) {
		char name[64];
		snprintf(name, sizeof(name), DIR_ "/b/file-with-a-long-name-%02d", i);
		fd = open(name, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0 && close(fd) == 0);
	}
	CHECK(count_entries(DIR_ "/b", &found_b) == 22);
	CHECK(count_entries(DIR_, &found_b) >= 4 && found_b == 1);
	/* readdir(3) over getdents64. */
	d = opendir(DIR_ "/b");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL)
		n++;
	CHECK(n == 22 && closedir(d) == 0);
	FAILS(rmdir(DIR_ "/b"), ENOTEMPTY);
	FAILS(rmdir(DIR_ "/a"), ENOTDIR);
	FAILS(unlink(DIR_ "/b"), EISDIR);
	FAILS(syscall(SYS_getdents64, 0x7fff, cwd, sizeof(cwd)), EBADF);
	fd = open(DIR_ "/a", O_RDONLY);
	FAILS(syscall(SYS_getdents64, fd, cwd, sizeof(cwd)), ENOTDIR);
	close(fd);

	/* cwd: chdir, getcwd, fchdir, relative paths and *at(). */
	CHECK(chdir(DIR_ "/b") == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, DIR_ "/b") == 0);
	FAILS(syscall(SYS_getcwd, cwd, 3), ERANGE);
	CHECK(syscall(SYS_getcwd, cwd, sizeof(cwd)) == (long)strlen(DIR_ "/b") + 1);
	CHECK(stat("file-with-a-long-name-07", &st) == 0);
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, DIR_) == 0);
	FAILS(chdir("a"), ENOTDIR);
	FAILS(chdir("missing"), ENOENT);
	fd = open("b", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK(fstatat(fd, "file-with-a-long-name-03", &st, 0) == 0);
	CHECK(unlinkat(fd, "file-with-a-long-name-03", 0) == 0);
	FAILS(fstatat(fd, "file-with-a-long-name-03", &st, 0), ENOENT);
	CHECK(mkdirat(fd, "sub", 0700) == 0);
	CHECK(unlinkat(fd, "sub", AT_REMOVEDIR) == 0);
	FAILS(unlinkat(fd, "x", 0x4), EINVAL);
	CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISDIR(st.st_mode));
	CHECK(fchdir(fd) == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, DIR_ "/b") == 0);
	CHECK(close(fd) == 0);
	fd = open(DIR_ "/a", O_RDONLY);
	FAILS(fstatat(fd, "x", &st, 0), ENOTDIR);
	FAILS(fchdir(fd), ENOTDIR);
	CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode));
	CHECK(close(fd) == 0);
	FAILS(fstatat(0x7fff, "x", &st, 0), EBADF);
	CHECK(fstatat(0x7fff, DIR_, &st, 0) == 0); /* absolute: dirfd ignored */
	FAILS(fstatat(AT_FDCWD, DIR_, &st, 0x8000), EINVAL);
	CHECK(chdir("/") == 0);
}

static void links(void)
{
	struct stat st;
	char buf[PATH_MAX];
	int fd;

	CHECK(symlink("a", DIR_ "/sl") == 0);
	FAILS(symlink("a", DIR_ "/sl"), EEXIST);
	CHECK(readlink(DIR_ "/sl", buf, sizeof(buf)) == 1 && buf[0] == 'a');
	FAILS(syscall(SYS_readlink, DIR_ "/sl", buf, 0), EINVAL); /* musl hides bufsiz 0 */
	FAILS(readlink(DIR_ "/a", buf, sizeof(buf)), EINVAL);
	CHECK(lstat(DIR_ "/sl", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 1);
	CHECK(stat(DIR_ "/sl", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(symlinkat("/nonexistent", AT_FDCWD, DIR_ "/dangling") == 0);
	FAILS(stat(DIR_ "/dangling", &st), ENOENT);
	CHECK(readlinkat(AT_FDCWD, DIR_ "/dangling", buf, 4) == 4 && memcmp(buf, "/non", 4) == 0);
	FAILS(open(DIR_ "/sl", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK(symlink("loop", DIR_ "/loop") == 0);
	FAILS(stat(DIR_ "/loop", &st), ELOOP);
	FAILS(symlink("", DIR_ "/empty"), ENOENT);

	/* Hard links and counts. */
	CHECK(link(DIR_ "/a", DIR_ "/a2") == 0);
	CHECK(stat(DIR_ "/a", &st) == 0 && st.st_nlink == 2);
	FAILS(link(DIR_ "/a", DIR_ "/a2"), EEXIST);
	FAILS(link(DIR_ "/b", DIR_ "/b2"), EPERM);
	FAILS(link(DIR_ "/missing", DIR_ "/x"), ENOENT);
	CHECK(linkat(AT_FDCWD, DIR_ "/sl", AT_FDCWD, DIR_ "/a3", AT_SYMLINK_FOLLOW) == 0);
	CHECK(stat(DIR_ "/a", &st) == 0 && st.st_nlink == 3);
	CHECK(unlink(DIR_ "/a3") == 0 && unlink(DIR_ "/a2") == 0);
	CHECK(stat(DIR_ "/a", &st) == 0 && st.st_nlink == 1);
	FAILS(unlink(DIR_ "/a2"), ENOENT);

	/* rename */
	fd = open(DIR_ "/r1", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "r1", 2) == 2 && close(fd) == 0);
	CHECK(rename(DIR_ "/r1", DIR_ "/r2") == 0);
	FAILS(stat(DIR_ "/r1", &st), ENOENT);
	CHECK(stat(DIR_ "/r2", &st) == 0 && st.st_size == 2);
	CHECK(rename(DIR_ "/r2", DIR_ "/a") == 0); /* replaces */
	CHECK(stat(DIR_ "/a", &st) == 0 && st.st_size == 2);
	FAILS(rename(DIR_ "/a", DIR_ "/b"), EISDIR);
	FAILS(rename(DIR_ "/b", DIR_ "/a"), ENOTDIR);
	FAILS(rename(DIR_ "/b", DIR_ "/b/x"), EINVAL);
	CHECK(mkdir(DIR_ "/c", 0755) == 0);
	CHECK(rename(DIR_ "/c", DIR_ "/b/c") == 0);
	CHECK(stat(DIR_ "/b", &st) == 0 && st.st_nlink == 3);
	FAILS(syscall(SYS_renameat2, AT_FDCWD, DIR_ "/sl", AT_FDCWD, DIR_ "/a", 1 /* RENAME_NOREPLACE */), EEXIST);
	FAILS(syscall(SYS_renameat2, AT_FDCWD, DIR_ "/sl", AT_FDCWD, DIR_ "/a", 8 /* unknown */), EINVAL);
	FAILS(rename(DIR_ "/missing", DIR_ "/x"), ENOENT);
	CHECK(rmdir(DIR_ "/b/c") == 0);
}

static void descriptors(void)
{
	char buf[16];
	int fd = open(DIR_ "/a", O_RDWR), fd2, fl;

	CHECK(fd >= 0);
	fd2 = dup(fd);
	CHECK(fd2 > fd);
	CHECK(lseek(fd, 1, SEEK_SET) == 1 && lseek(fd2, 0, SEEK_CUR) == 1); /* one open file */
	CHECK(dup2(fd, 20) == 20);
	CHECK(dup2(fd, fd) == fd);
	FAILS(dup2(0x7fff, 21), EBADF);
	FAILS(dup2(fd, -1), EBADF);
	FAILS(dup3(fd, fd, 0), EINVAL);
	FAILS(syscall(SYS_dup3, fd, 22, 0x1), EINVAL); /* musl's dup3 drops unknown flags */
	CHECK(dup3(fd, 22, O_CLOEXEC) == 22);
	CHECK(fcntl(22, F_GETFD) == FD_CLOEXEC && fcntl(20, F_GETFD) == 0);
	CHECK(fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fd, F_DUPFD, 30) == 30);
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 30) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
	FAILS(fcntl(fd, F_DUPFD, -1), EINVAL);
	fl = fcntl(fd, F_GETFL);
	CHECK((fl & O_ACCMODE) == O_RDWR && !(fl & O_APPEND));
	CHECK(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK) == 0);
	CHECK(fcntl(fd2, F_GETFL) & O_APPEND); /* shared by the dup */
	CHECK(write(fd, "Z", 1) == 1 && pread(fd, buf, 3, 0) == 3 && buf[2] == 'Z');
	FAILS(fcntl(0x7fff, F_GETFL), EBADF);
	FAILS(fcntl(fd, 9999), EINVAL);
	for (int i = 20; i < 32; i++)
		close(i);
	CHECK(close(fd2) == 0 && close(fd) == 0);
}

static void attributes(void)
{
	struct timespec ts[2] = {{1000000000, 5}, {1200000000, 7}};
	struct timeval tv[2] = {{1300000000, 1}, {1400000000, 2}};
	struct statfs sfs;
	struct stat st;
	int in, out;

	CHECK(chmod(DIR_ "/a", 0604) == 0 && stat(DIR_ "/a", &st) == 0 && (st.st_mode & 07777) == 0604);
	FAILS(chmod(DIR_ "/missing", 0600), ENOENT);
	CHECK(chown(DIR_ "/a", 1000, 100) == 0 && stat(DIR_ "/a", &st) == 0 && st.st_uid == 1000 && st.st_gid == 100);
	CHECK(lchown(DIR_ "/sl", 7, 7) == 0 && lstat(DIR_ "/sl", &st) == 0 && st.st_uid == 7);
	CHECK(fchownat(AT_FDCWD, DIR_ "/a", 0, 0, 0) == 0);
	FAILS(fchownat(AT_FDCWD, DIR_ "/a", 0, 0, 0x1), EINVAL);
	CHECK(utimensat(AT_FDCWD, DIR_ "/a", ts, 0) == 0 && stat(DIR_ "/a", &st) == 0);
	CHECK(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 7);
	ts[0].tv_nsec = 1000000000;
	FAILS(utimensat(AT_FDCWD, DIR_ "/a", ts, 0), EINVAL);
	CHECK(utimes(DIR_ "/a", tv) == 0 && stat(DIR_ "/a", &st) == 0 && st.st_mtim.tv_sec == 1400000000 &&
	      st.st_mtim.tv_nsec == 2000);
	CHECK(utimensat(AT_FDCWD, DIR_ "/a", NULL, 0) == 0 && stat(DIR_ "/a", &st) == 0 && st.st_mtim.tv_sec != 1400000000);
	CHECK(statfs(DIR_, &sfs) == 0 && sfs.f_type == 0x01021994 && sfs.f_bsize == 4096);
	CHECK(statfs("/proc", &sfs) == 0 && sfs.f_type == 0x9fa0);
	FAILS(statfs(DIR_ "/missing", &sfs), ENOENT);
	CHECK(mknod(DIR_ "/fifo", S_IFIFO | 0644, 0) == 0 && stat(DIR_ "/fifo", &st) == 0 && S_ISFIFO(st.st_mode));
	FAILS(mknod(DIR_ "/d", S_IFDIR | 0755, 0), EPERM);
	CHECK(unlink(DIR_ "/fifo") == 0);

	/* sendfile from a file to a file. */
	in = open(DIR_ "/a", O_RDONLY);
	out = open(DIR_ "/copy", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0);
	{
		off_t off = 1;
		CHECK(sendfile(out, in, &off, 100) == 2 && off == 3);
		CHECK(lseek(in, 0, SEEK_CUR) == 0);
		CHECK(sendfile(out, in, NULL, 100) == 3 && lseek(in, 0, SEEK_CUR) == 3);
	}
	FAILS(sendfile(in, out, NULL, 1), EBADF);
	CHECK(close(in) == 0 && close(out) == 0);
	CHECK(stat(DIR_ "/copy", &st) == 0 && st.st_size == 5);
	sync();
	CHECK(syncfs(0) == 0);
}

int main(void)
{
	mkdir(DIR_, 0755);
	CHECK(umask(022) == 022);
	files();
	directories();
	links();
	descriptors();
	attributes();
	remove_tree(DIR_);
	return 0;
}
