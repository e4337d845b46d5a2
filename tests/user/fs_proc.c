/* /proc from user space: /proc/self, status and stat parsed for pid, ppid
 * and name, cmdline, comm, cwd, a child's directory, the pid listing, and
 * the system files (meminfo, uptime, loadavg, mounts, cpuinfo, version,
 * filesystems, stat). Run with argv "fs_proc", "arg-one", "two". Exits 0 when
 * all is well, else the line of the failed check (mod 256, also printed). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fs_proc: line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
			exit(__LINE__ & 0xff ? __LINE__ & 0xff : 1);                       \
		}                                                                          \
	} while (0)

static char text[65536];

/* Reads a whole file in small pieces (as cat would); returns its length. */
static ssize_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (ssize_t)sizeof(text) - 1 && (r = read(fd, text + n, 7)) > 0)
		n += r;
	close(fd);
	text[n] = '\0';
	return n;
}

static long field(const char *name)
{
	char *p = strstr(text, name);

	CHECK(p != NULL);
	return strtol(p + strlen(name), NULL, 10);
}

static void self_files(void)
{
	char buf[64], path[64];
	struct stat st;
	int pid = getpid();
	char *p;

	CHECK(readlink("/proc/self", buf, sizeof(buf)) > 0);
	CHECK(atoi(buf) == pid);
	CHECK(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode));

	CHECK(slurp("/proc/self/status") > 0);
	CHECK(strncmp(text, "Name:\tfs_proc\n", 14) == 0);
	CHECK(field("\nPid:\t") == pid && field("\nTgid:\t") == pid && field("\nPPid:\t") == getppid());
	CHECK(field("\nUid:\t") == (long)getuid());
	CHECK(field("\nVmSize:") > 0 && field("\nVmRSS:") > 0);
	CHECK(strstr(text, "\nState:\tR (running)\n") != NULL);

	/* stat: "pid (comm) state ppid pgrp session ..." */
	CHECK(slurp("/proc/self/stat") > 0);
	{
		int spid, sppid, pgrp, sid, n = 0;
		char comm[32], state;
		CHECK(sscanf(text, "%d (%31[^)]) %c %d %d %d", &spid, comm, &state, &sppid, &pgrp, &sid) == 6);
		CHECK(spid == pid && strcmp(comm, "fs_proc") == 0 && state == 'R' && sppid == getppid());
		CHECK(pgrp == getpgrp() && sid == getsid(0));
		for (p = strrchr(text, ')'); *p; p++)
			n += *p == ' ';
		CHECK(n == 50); /* 52 fields: 50 separators after "(comm)" */
	}

	CHECK(slurp("/proc/self/cmdline") == (ssize_t)sizeof("fs_proc\0arg-one\0two"));
	CHECK(memcmp(text, "fs_proc\0arg-one\0two", sizeof("fs_proc\0arg-one\0two")) == 0);
	CHECK(slurp("/proc/self/comm") == 8 && strcmp(text, "fs_proc\n") == 0);

	CHECK(chdir("/tmp") == 0);
	CHECK(readlink("/proc/self/cwd", buf, sizeof(buf)) == 4 && memcmp(buf, "/tmp", 4) == 0);
	CHECK(readlink("/proc/self/root", buf, sizeof(buf)) == 1 && buf[0] == '/');
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	CHECK(slurp(path) > 0 && field("\nPid:\t") == pid);
	{
		/* Root may open it for writing; writing is refused. */
		int fd = open("/proc/self/status", O_WRONLY);
		CHECK(fd >= 0 && write(fd, "x", 1) == -1 && errno == EINVAL && close(fd) == 0);
	}
	CHECK(open("/proc/self/nonexistent", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("/proc/99999/status", O_RDONLY) == -1 && errno == ENOENT);
	/* The kernel's names: new ones cannot even be looked up, old ones stay. */
	CHECK(mkdir("/proc/x", 0755) == -1 && errno == ENOENT);
	CHECK(open("/proc/x", O_CREAT | O_WRONLY, 0644) == -1 && errno == ENOENT);
	CHECK(symlink("a", "/proc/self/x") == -1 && errno == ENOENT);
	CHECK(rename("/proc/meminfo", "/proc/x") == -1 && errno == ENOENT);
	CHECK(unlink("/proc/self/status") == -1 && errno == EPERM);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	CHECK(rmdir(path) == -1 && errno == EPERM);
	CHECK(rmdir("/proc/self") == -1 && errno == ENOTDIR);
}

static void child_and_listing(void)
{
	int fds[2], status, self = 0, child_seen = 0;
	char path[64], c;
	struct dirent *e;
	pid_t pid;
	DIR *d;

	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1); /* wait until the parent has looked */
		_exit(0);
	}
	close(fds[0]);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK(slurp(path) > 0);
	{
		int spid, sppid;
		char state;
		CHECK(sscanf(text, "%d (fs_proc) %c %d", &spid, &state, &sppid) == 3);
		CHECK(spid == pid && sppid == getpid() && (state == 'S' || state == 'R'));
	}
	d = opendir("/proc");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (atoi(e->d_name) == getpid())
			self = e->d_type == DT_DIR;
		if (atoi(e->d_name) == pid)
			child_seen = 1;
	}
	closedir(d);
	CHECK(self && child_seen);
	CHECK(write(fds[1], "x", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(slurp(path) == -1 && errno == ENOENT); /* reaped: gone */
	close(fds[1]);
}

static void system_files(void)
{
	double up;

	CHECK(slurp("/proc/meminfo") > 0);
	CHECK(field("MemTotal:") > 0 && field("MemFree:") > 0 && field("MemFree:") <= field("MemTotal:"));
	CHECK(strstr(text, "SwapTotal:") && strstr(text, "MemAvailable:") && strstr(text, "Cached:"));
	CHECK(slurp("/proc/uptime") > 0 && sscanf(text, "%lf", &up) == 1 && up > 0);
	CHECK(slurp("/proc/loadavg") > 0);
	{
		int running, total, last;
		CHECK(sscanf(text, "0.00 0.00 0.00 %d/%d %d", &running, &total, &last) == 3);
		CHECK(running >= 1 && total >= 1 && last >= getpid());
	}
	CHECK(slurp("/proc/mounts") > 0);
	CHECK(strstr(text, "tmpfs / tmpfs rw") && strstr(text, "\nproc /proc proc ") && strstr(text, " /dev tmpfs "));
	CHECK(slurp("/proc/self/mounts") > 0 && strstr(text, "\nproc /proc proc "));
	CHECK(slurp("/proc/cpuinfo") > 0 && strncmp(text, "processor\t: 0\n", 14) == 0);
	CHECK(slurp("/proc/version") > 0 && strncmp(text, "Linux version ", 14) == 0);
	CHECK(slurp("/proc/filesystems") > 0 && strstr(text, "nodev\ttmpfs\n") && strstr(text, "nodev\tproc\n"));
	CHECK(slurp("/proc/stat") > 0 && strncmp(text, "cpu ", 4) == 0 && strstr(text, "\nbtime "));
	CHECK(field("\nprocesses ") >= 1);
}

int main(int argc, char **argv)
{
	CHECK(argc == 3 && strcmp(argv[1], "arg-one") == 0);
	self_files();
	child_and_listing();
	system_files();
	return 0;
}
