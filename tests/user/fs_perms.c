/* Permissions as a non-root user: root prepares files under /tmp, then the
 * program drops to uid 1000 / gid 1000 and checks the errno of every
 * refused operation (open, create, unlink, rename, chmod, chown, utimes,
 * truncate, search through a directory, sticky /tmp, access with real ids,
 * mount, chroot) and what the owner may do. Exits 0 when all is well, else
 * the line of the failed check (mod 256, also printed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fs_perms: line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
			exit(__LINE__ & 0xff ? __LINE__ & 0xff : 1);                        \
		}                                                                           \
	} while (0)
#define FAILS(call, err) CHECK((call) == -1 && errno == (err))

#define D "/tmp/fs_perms"

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

static void make(const char *path, int mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, "data", 4) == 4 && close(fd) == 0);
	CHECK(chmod(path, mode) == 0);
}

int main(void)
{
	struct stat st;
	char buf[8];
	int fd;

	/* As root. */
	CHECK(mkdir(D, 0755) == 0);
	make(D "/secret", 0600);
	make(D "/public", 0644);
	make(D "/shared", 0666);
	CHECK(mkdir(D "/closed", 0700) == 0);
	make(D "/closed/inner", 0644);
	CHECK(mkdir(D "/mine", 0755) == 0 && chown(D "/mine", 1000, 1000) == 0);
	make("/tmp/fs_perms_rootfile", 0666); /* in sticky /tmp, owned by root */
	CHECK(stat("/tmp", &st) == 0 && (st.st_mode & 01777) == 01777);

	/* A child drops privileges (group first, then user); root cleans up. */
	{
		pid_t pid = fork();
		int status;
		CHECK(pid >= 0);
		if (pid > 0) {
			CHECK(waitpid(pid, &status, 0) == pid);
			remove_tree(D);
			CHECK(unlink("/tmp/fs_perms_rootfile") == 0);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
		}
	}
	CHECK(setgid(1000) == 0 && setuid(1000) == 0);
	CHECK(getuid() == 1000 && geteuid() == 1000);
	FAILS(setuid(0), EPERM);

	FAILS(open(D "/secret", O_RDONLY), EACCES);
	FAILS(access(D "/secret", R_OK), EACCES);
	CHECK(access(D "/secret", F_OK) == 0);
	fd = open(D "/public", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4 && close(fd) == 0);
	FAILS(open(D "/public", O_WRONLY), EACCES);
	FAILS(open(D "/public", O_RDONLY | O_TRUNC), EACCES);
	FAILS(truncate(D "/public", 0), EACCES);
	CHECK(truncate(D "/shared", 1) == 0);
	FAILS(open(D "/new", O_CREAT | O_WRONLY, 0644), EACCES); /* D is 0755 root */
	FAILS(mkdir(D "/newdir", 0755), EACCES);
	FAILS(unlink(D "/shared"), EACCES);
	FAILS(rename(D "/shared", D "/mine/shared"), EACCES);
	FAILS(symlink("x", D "/link"), EACCES);
	/* Search permission: nothing below a directory without x. */
	FAILS(stat(D "/closed/inner", &st), EACCES);
	FAILS(open(D "/closed/inner", O_RDONLY), EACCES);
	FAILS(chdir(D "/closed"), EACCES);
	/* Attributes of someone else's file. */
	FAILS(chmod(D "/public", 0777), EPERM);
	FAILS(chown(D "/public", 1000, 1000), EPERM);
	FAILS(utimes(D "/public", (struct timeval[2]){{1, 0}, {2, 0}}), EPERM);
	FAILS(utimes(D "/public", NULL), EACCES); /* "now" needs write access */
	CHECK(utimes(D "/shared", NULL) == 0);
	/* The sticky /tmp: a world-writable file of root's cannot be removed. */
	FAILS(unlink("/tmp/fs_perms_rootfile"), EPERM);
	FAILS(rename("/tmp/fs_perms_rootfile", "/tmp/fs_perms_x"), EPERM);
	/* Privileged calls. */
	FAILS(mount("none", D "/mine", "tmpfs", 0, NULL), EPERM);
	FAILS(umount2("/proc", 0), EPERM);
	FAILS(chroot(D "/mine"), EPERM);
	FAILS(mknod(D "/mine/dev", S_IFCHR | 0600, 0x103), EPERM);

	/* The user's own directory: everything works, umask applies. */
	umask(027);
	fd = open(D "/mine/f", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0 && close(fd) == 0);
	CHECK(stat(D "/mine/f", &st) == 0 && (st.st_mode & 0777) == 0640 && st.st_uid == 1000 && st.st_gid == 1000);
	CHECK(mkdir(D "/mine/d", 0777) == 0 && stat(D "/mine/d", &st) == 0 && (st.st_mode & 0777) == 0750);
	CHECK(chmod(D "/mine/f", 0600) == 0);
	FAILS(chown(D "/mine/f", 0, 1000), EPERM);
	CHECK(chown(D "/mine/f", 1000, 1000) == 0); /* to the same ids is allowed */
	CHECK(utimes(D "/mine/f", (struct timeval[2]){{1, 0}, {2, 0}}) == 0);
	CHECK(rename(D "/mine/f", D "/mine/g") == 0 && unlink(D "/mine/g") == 0 && rmdir(D "/mine/d") == 0);
	fd = open("/tmp/fs_perms_mine", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && close(fd) == 0 && unlink("/tmp/fs_perms_mine") == 0); /* own file in sticky /tmp */
	/* /proc shows the new identity. */
	fd = open("/proc/self/status", O_RDONLY);
	CHECK(fd >= 0);
	{
		static char text[4096];
		ssize_t n = read(fd, text, sizeof(text) - 1);
		CHECK(n > 0);
		text[n] = '\0';
		CHECK(strstr(text, "\nUid:\t1000\t1000\t1000\t1000\n") && strstr(text, "\nGid:\t1000\t1000\t1000\t1000\n"));
	}
	close(fd);
	return 0;
}
