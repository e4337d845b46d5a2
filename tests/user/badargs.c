/* Every syscall the kernel implements (the table is generated from
 * include/kern/syscalls.def by tools/gen-syscall-table.sh), called with
 * invalid arguments chosen from each argument's kind, one argument at a
 * time while the others hold harmless valid values. One line per call:
 *   name aN=VALUE -> E<errno> | ok
 * The same program runs natively on the build host, whose Linux is the
 * oracle: its output becomes BADARGS_EXPECTED (mk/user.mk), and a build
 * with that table compares line by line. Afterwards the process must still
 * work. Exits 0 when every result matches Linux; otherwise 1.
 *   badargs            run, compare with the expectation if built with one
 *   badargs -v         also print every line */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum kind { K__, K_INT, K_UINT, K_HEX, K_FD, K_PTR, K_STR, K_PATH, K_SIZE, K_FLAGS, K_MODE, K_PID, K_SIG, K_ADDR };

struct sc {
	long nr;
	const char *name;
	int nargs;
	enum kind kinds[6];
};

static const struct sc table[] = {
#include "user_syscalls.h"
};

#ifdef BADARGS_EXPECTED
#include "badargs_expected.h" /* static const char *const expected[] = {...}; */
#endif

#define SCRATCH_SZ (64 * 1024)
#define PG         4096

/* Not called at all, and why. Syscalls without arguments have nothing to
 * make invalid and are skipped too (getpid, fork, vfork, pause, sync...). */
static const char *const excluded[] = {
    "exit",         /* any argument is a valid status: the test would end */
    "exit_group",   /* likewise */
    "rt_sigreturn", /* restores a frame from the stack: ends the test */
    NULL,
};

/* Argument values that must not be tried even though their kind allows
 * them, because they are valid and would end or hang the test. */
struct avoid {
	const char *name;
	int arg;
	const char *value;
	const char *why;
};
static const struct avoid avoided[] = {
    {"futex", 3, "NULL", "FUTEX_WAIT without a timeout waits forever"},
    {"select", 4, "NULL", "no timeout: waits forever"},
    {"pselect6", 4, "NULL", "no timeout: waits forever"},
    {"ppoll", 2, "NULL", "no timeout: waits forever"},
    {"clone", 0, "0x8000000000000000", "the high half of clone's flags is ignored: a fork"},
    {NULL, 0, NULL, NULL},
};

/* Syscalls whose arguments other than these are not varied: with valid
 * flags, clone forks. */
struct only {
	const char *name;
	int argmask;
};
static const struct only only_args[] = {
    {"clone", 1 << 0},
    {"poll", 1 << 0 | 1 << 1}, /* any invalid timeout is a valid one: wait forever */
    {NULL, 0},
};

static char *scratch;      /* SCRATCH_SZ zeroed bytes, then a PROT_NONE page */
static char *guard;        /* that PROT_NONE page; nothing mapped after it */
static char *unterminated; /* "aaa..." up to the guard page, no NUL */
static char longpath[8192], longname[400];
static int file_fd, closed_fd;
static int verbose, mismatches, lines;
static char dir_path[64]; /* /tmp/badargs.PID: runs on one host do not collide */

struct val {
	const char *name;
	unsigned long v;
};

/* Invalid values for each kind; filled in at run time where they depend
 * on our own mappings. */
static int values_for(enum kind k, struct val *out)
{
	int n = 0;
#define V(s, x) (out[n].name = (s), out[n].v = (unsigned long)(x), n++)
	switch (k) {
	case K_INT:
		V("-1", -1L);
		V("INT_MAX", INT_MAX);
		V("INT_MIN", (long)INT_MIN);
		break;
	case K_UINT: V("-1", 0xffffffffUL); break;
	case K_HEX:
		V("-1", -1L);
		V("0x8000000000000000", 0x8000000000000000UL);
		break;
	case K_FD:
		V("-1", -1L);
		V("99999", 99999);
		V("closed", closed_fd);
		V("INT_MIN", (long)INT_MIN);
		break;
	case K_PTR:
		V("NULL", 0);
		V("0x1", 1);
		V("0xffffffffffff0000", 0xffffffffffff0000UL);
		V("protnone", guard);
		break;
	case K_STR:
	case K_PATH:
		V("NULL", 0);
		V("0x1", 1);
		V("0xffffffffffff0000", 0xffffffffffff0000UL);
		V("protnone", guard);
		V("unterminated", unterminated);
		V("empty", "");
		if (k == K_PATH) {
			V("toolong", longpath);
			V("longname", longname);
		}
		break;
	case K_SIZE:
		V("-1", -1L);
		V("2^47", 1UL << 47);
		break;
	case K_FLAGS:
		V("~0", -1L);
		V("0x80000000", 0x80000000UL);
		break;
	case K_MODE: V("0xffffffff", 0xffffffffUL); break;
	case K_PID:
		/* Never -1 or 0 or a valid group: kill would reach real processes. */
		V("0x3fffffff", 0x3fffffff);
		V("INT_MIN", (long)INT_MIN);
		break;
	case K_SIG:
		V("65", 65);
		V("-1", -1L);
		V("INT_MAX", INT_MAX);
		break;
	case K_ADDR:
		V("0x1", 1);
		V("0xffffffffffff0000", 0xffffffffffff0000UL);
		break;
	case K__: break;
	}
#undef V
	return n;
}

static int at_syscall(const char *name)
{
	size_t n = strlen(name);
	return (n > 2 && strcmp(name + n - 2, "at") == 0) || strcmp(name, "statx") == 0 ||
	       strcmp(name, "renameat2") == 0 || strcmp(name, "faccessat2") == 0;
}

/* A harmless valid value for argument i of syscall s. */
static unsigned long baseline(const struct sc *s, int i)
{
	const char *n = s->name;

	if (strcmp(n, "arch_prctl") == 0 && i == 0)
		return 0x1003; /* ARCH_GET_FS: the address is written to */
	if (strcmp(n, "prctl") == 0 && i == 0)
		return 16; /* PR_GET_NAME: arg2 is written to */
	if (strcmp(n, "prlimit64") == 0 && i == 2)
		return 0; /* no new limit: a zeroed one would be RLIMIT_CPU 0 */
	if (strcmp(n, "mount") == 0 && i == 2)
		return (unsigned long)"badargs-no-such-fs";
	if (strcmp(n, "set_robust_list") == 0 && i == 1)
		return 24;
	if ((strncmp(n, "rt_sig", 6) == 0 || strcmp(n, "ppoll") == 0) && s->kinds[i] == K_SIZE)
		return 8;
	switch (s->kinds[i]) {
	case K_FD: return at_syscall(n) ? (unsigned long)AT_FDCWD : (unsigned long)file_fd;
	case K_PTR: return (unsigned long)scratch; /* zeroes: empty sets, zero timeouts */
	case K_STR: return (unsigned long)"none";
	case K_PATH: return (unsigned long)"f";
	case K_SIZE: return 16;
	case K_PID: return (unsigned long)getpid();
	case K_SIG: return SIGUSR1; /* blocked, so harmless should it ever be sent */
	case K_ADDR: return (unsigned long)guard;
	case K_MODE: return 0644;
	default: return 0;
	}
}

static long raw_syscall(long nr, const unsigned long *a)
{
	long ret;
	register long r10 __asm__("r10") = (long)a[3];
	register long r8 __asm__("r8") = (long)a[4];
	register long r9 __asm__("r9") = (long)a[5];
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

static void result(const char *line)
{
#ifdef BADARGS_EXPECTED
	size_t n = sizeof(expected) / sizeof(expected[0]);
	if ((size_t)lines >= n || strcmp(expected[lines], line) != 0) {
		printf("badargs: MISMATCH %s (Linux: %s)\n", line,
		       (size_t)lines < n ? expected[lines] : "no such line");
		mismatches++;
	} else if (verbose)
		printf("%s\n", line);
#else
	printf("%s\n", line);
#endif
	lines++;
}

static int listed(const char *name)
{
	for (int i = 0; excluded[i]; i++)
		if (strcmp(excluded[i], name) == 0)
			return 1;
	return 0;
}

static int avoid(const char *name, int arg, const char *value)
{
	for (int i = 0; avoided[i].name; i++)
		if (strcmp(avoided[i].name, name) == 0 && avoided[i].arg == arg && strcmp(avoided[i].value, value) == 0)
			return 1;
	return 0;
}

static int varied(const char *name, int arg)
{
	for (int i = 0; only_args[i].name; i++)
		if (strcmp(only_args[i].name, name) == 0)
			return (only_args[i].argmask >> arg) & 1;
	return 1;
}

/* Empties dir_path (one level) so that every run starts the same. */
static void fresh_dir(void)
{
	DIR *d = opendir(dir_path);
	if (d) {
		struct dirent *e;
		char p[512];
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir_path, e->d_name);
			if (unlink(p) != 0)
				rmdir(p);
		}
		closedir(d);
		rmdir(dir_path);
	}
	mkdir(dir_path, 0755);
}

int main(int argc, char **argv)
{
	sigset_t set;
	char line[256];

	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* SIGUSR1 is the baseline signal: block it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	umask(022);

	/* The scratch buffer, a PROT_NONE page after it, a hole after that. */
	scratch = mmap(NULL, SCRATCH_SZ + 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		return 2;
	guard = scratch + SCRATCH_SZ;
	if (mprotect(guard, PG, PROT_NONE) != 0 || munmap(guard + PG, PG) != 0)
		return 3;
	/* A string running into the guard page without a NUL. */
	unterminated = guard - 64;
	memset(longpath, 'a', sizeof(longpath) - 1);
	for (size_t i = 100; i < sizeof(longpath) - 1; i += 100)
		longpath[i] = '/';
	memset(longname, 'b', sizeof(longname) - 1);

	/* Descriptors above 1024 are invalid, whatever the host's limit. */
	struct rlimit rl = {1024, 1024};
	setrlimit(RLIMIT_NOFILE, &rl);
	/* Zero-padded: the length of the path must not depend on the pid, or
	 * getcwd's 16-byte baseline buffer fits it on one system (a small pid)
	 * and not on another (ERANGE). */
	snprintf(dir_path, sizeof(dir_path), "/tmp/badargs.%010d", (int)getpid());
	fresh_dir();
	if (chdir(dir_path) != 0)
		return 4;
	file_fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (file_fd < 0)
		return 5;
	closed_fd = 200;
	if (dup2(file_fd, closed_fd) != closed_fd || close(closed_fd) != 0)
		return 6;

	int ncalls = 0;
	for (size_t s = 0; s < sizeof(table) / sizeof(table[0]); s++) {
		const struct sc *sc = &table[s];
		if (sc->nargs == 0 || listed(sc->name))
			continue;
		for (int i = 0; i < sc->nargs; i++) {
			struct val vals[16];
			int nv;
			if (!varied(sc->name, i))
				continue;
			nv = values_for(sc->kinds[i], vals);
			for (int v = 0; v < nv; v++) {
				unsigned long a[6] = {0};
				long r;
				if (avoid(sc->name, i, vals[v].name))
					continue;
				for (int j = 0; j < sc->nargs; j++)
					a[j] = j == i ? vals[v].v : baseline(sc, j);
				memset(scratch, 0, SCRATCH_SZ);
				unterminated[-1] = 0;
				memset(unterminated, 'a', 64);
				r = raw_syscall(sc->nr, a);
				ncalls++;
				close(closed_fd); /* dup2 onto it succeeds: keep it closed */
				if (r < 0 && r >= -4095) {
					if (-r > 133) /* beyond Linux's errno range */
						printf("badargs: %s a%d=%s returned %ld, not a Linux errno\n", sc->name,
						       i, vals[v].name, r);
					if (-r > 133)
						mismatches++;
					snprintf(line, sizeof(line), "%s a%d=%s -> E%ld", sc->name, i, vals[v].name,
					         -r);
				} else {
					snprintf(line, sizeof(line), "%s a%d=%s -> ok", sc->name, i, vals[v].name);
				}
				result(line);
			}
		}
	}
	/* Put the directory back and prove the process still works. */
	if (chdir("/") != 0)
		return 7;
	fresh_dir();
	rmdir(dir_path);
	if (write(1, "badargs: still alive\n", 21) != 21)
		return 8;
#ifdef BADARGS_EXPECTED
	if ((size_t)lines != sizeof(expected) / sizeof(expected[0])) {
		printf("badargs: %d lines, Linux had %zu\n", lines, sizeof(expected) / sizeof(expected[0]));
		mismatches++;
	}
	printf("badargs: %d calls, %d mismatches with Linux\n", ncalls, mismatches);
	return mismatches ? 1 : 0;
#else
	fprintf(stderr, "badargs: %d calls\n", ncalls);
	return mismatches ? 1 : 0;
#endif
}
