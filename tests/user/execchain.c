/* A chain of fork+exec (and plain exec) of this program DEPTH levels deep,
 * passing state in argv and the environment, with exit statuses travelling
 * back up; close-on-exec across the chain; #! scripts with an interpreter
 * argument, nested scripts, and exec failures. Must be started with an
 * absolute argv[0] naming this program. Exits 0 when all behave as on
 * Linux; otherwise the number of the first check that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("execchain: check %d failed (errno %d)\n", code, errno); return (code); } } while (0)

#define DEPTH 12

static const char *self;

/* Level L of the chain: argv = {self, "level", L, token}, env CHAIN lists
 * the levels so far, KEEPFD/CLOFD name descriptors from the top. */
static int level(int l, const char *token)
{
	char want[256] = "", buf[256], num[16], envbuf[300];
	const char *chain = getenv("CHAIN");
	int st;

	for (int i = 0; i < l; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%d", i ? "," : "", i);
	if (!chain || strcmp(chain, want) != 0)
		return 60;
	snprintf(buf, sizeof(buf), "tok%d", l * 7);
	if (strcmp(token, buf) != 0)
		return 61;
	/* The descriptor without FD_CLOEXEC is still open, the other is gone. */
	int keep = atoi(getenv("KEEPFD") ? getenv("KEEPFD") : "-1");
	int clo = atoi(getenv("CLOFD") ? getenv("CLOFD") : "-1");
	if (fcntl(keep, F_GETFD) != 0)
		return 62;
	if (fcntl(clo, F_GETFD) != -1 || errno != EBADF)
		return 63;
	if (l == DEPTH)
		return 100; /* the leaf */
	/* Next level: odd levels exec in place (same pid), even ones fork. */
	snprintf(num, sizeof(num), "%d", l + 1);
	snprintf(buf, sizeof(buf), "tok%d", (l + 1) * 7);
	snprintf(envbuf, sizeof(envbuf), "CHAIN=%s%s%d", want, l ? "," : "", l);
	char keepenv[32], cloenv[32], pidenv[32];
	snprintf(keepenv, sizeof(keepenv), "KEEPFD=%d", keep);
	snprintf(cloenv, sizeof(cloenv), "CLOFD=%d", clo);
	snprintf(pidenv, sizeof(pidenv), "EXPECTPID=%d", (int)getpid());
	char *argv[] = {(char *)self, "level", num, buf, NULL};
	char *envp[] = {envbuf, keepenv, cloenv, pidenv, NULL};
	if (l % 2) {
		execve(self, argv, envp);
		return 64;
	}
	pid_t p = fork();
	if (p < 0)
		return 65;
	if (p == 0) {
		execve(self, argv, envp);
		_exit(66);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
		return 67;
	/* Every level above the leaf that forked adds one to the status. */
	return WEXITSTATUS(st) + 1;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int run(char *const argv[], char *const envp[])
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		execve(argv[0], argv, envp);
		_exit(errno == ENOENT ? 120 : errno == EACCES ? 121 : errno == ENOEXEC ? 122 : 123);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	char script[64], script2[64], bad[64], text[256];
	self = argv[0];

	if (argc == 4 && strcmp(argv[1], "level") == 0) {
		int l = atoi(argv[2]);
		const char *exp = getenv("EXPECTPID");
		/* Plain exec keeps the pid: odd levels' parents exec'd in place. */
		if (l % 2 == 0 && l > 0 && (!exp || atoi(exp) != getpid()))
			return 68;
		return level(l, argv[3]);
	}
	if (argc >= 2 && strcmp(argv[1], "script-arg") == 0) {
		/* Run as an interpreter: {self, "script-arg", script path, args...}. */
		if (argc == 5 && strstr(argv[2], ".sh") && strcmp(argv[3], "a") == 0 && strcmp(argv[4], "b c") == 0)
			return 33;
		if (argc == 6 && strstr(argv[2], "-1.sh") && strstr(argv[3], "-2.sh") && strcmp(argv[4], "x") == 0 &&
		    strcmp(argv[5], "y") == 0)
			return 34;
		return 35;
	}
	CHECK(argc == 1 && self[0] == '/', 1);

	/* The chain: DEPTH levels, DEPTH/2 of which fork. */
	int keep = open("/", O_RDONLY | O_DIRECTORY);
	int clo = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(keep >= 0 && clo >= 0, 2);
	char keepenv[32], cloenv[32];
	snprintf(keepenv, sizeof(keepenv), "KEEPFD=%d", keep);
	snprintf(cloenv, sizeof(cloenv), "CLOFD=%d", clo);
	{
		char *av[] = {(char *)self, "level", "0", "tok0", NULL};
		char *ev[] = {"CHAIN=", keepenv, cloenv, NULL};
		CHECK(run(av, ev) == 100 + DEPTH / 2, 3);
	}
	/* A failing level's status travels up unchanged but for the +1s. */
	{
		char *av[] = {(char *)self, "level", "0", "tok1", NULL};
		char *ev[] = {"CHAIN=", keepenv, cloenv, NULL};
		CHECK(run(av, ev) == 61, 4);
	}

	/* A #! script with an interpreter argument (and blanks to trim). */
	snprintf(script, sizeof(script), "/tmp/execchain-%d-1.sh", (int)getpid());
	snprintf(script2, sizeof(script2), "/tmp/execchain-%d-2.sh", (int)getpid());
	snprintf(bad, sizeof(bad), "/tmp/execchain-%d-3.sh", (int)getpid());
	snprintf(text, sizeof(text), "#! \t%s script-arg \t\nthis is not shell\n", self);
	CHECK(write_file(script, text, 0755) == 0, 10);
	{
		char *av[] = {script, "a", "b c", NULL};
		char *ev[] = {NULL};
		CHECK(run(av, ev) == 33, 11);
	}
	/* A script whose interpreter is a script. */
	snprintf(text, sizeof(text), "#!%s\n", script);
	CHECK(write_file(script2, text, 0755) == 0, 12);
	{
		char *av[] = {script2, "x", "y", NULL};
		char *ev[] = {NULL};
		CHECK(run(av, ev) == 34, 13);
	}
	/* Not executable: EACCES. A missing interpreter: ENOENT. */
	CHECK(chmod(script, 0644) == 0, 14);
	{
		char *av[] = {script, NULL};
		char *ev[] = {NULL};
		CHECK(run(av, ev) == 121, 15);
	}
	CHECK(write_file(bad, "#!/no/such/interpreter\n", 0755) == 0, 16);
	{
		char *av[] = {bad, NULL};
		char *ev[] = {NULL};
		CHECK(run(av, ev) == 120, 17);
	}
	/* Neither ELF nor script: ENOEXEC. */
	CHECK(write_file(bad, "just text\n", 0755) == 0, 18);
	{
		char *av[] = {bad, NULL};
		char *ev[] = {NULL};
		CHECK(run(av, ev) == 122, 19);
	}
	unlink(script);
	unlink(script2);
	unlink(bad);
	printf("execchain: all checks passed\n");
	return 0;
}
