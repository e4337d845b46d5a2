/* /dev/hv from user space: every ioctl with good and bad arguments, the
 * VM state machine, and the console stream. Run by the ktest hv_ctl_user
 * with the simulated backend scripted to print "hello\n" on COM1 and then
 * halt (core/ktest/test_hv_ctl.c). Prints each failed check; exit status
 * is the number of failures. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <kern/abi/hv.h>

#define BAD_PTR ((void *)16) /* never mapped */
#define IMG     "/tmp/hvctl.img"
#define EMPTY   "/tmp/hvctl.empty"
#define GARBAGE "/tmp/hvctl.garbage"

static int failures;

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			printf("hvctl: FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno);                        \
			failures++;                                                                                    \
		}                                                                                                      \
	} while (0)
/* An ioctl that must fail with `err`. */
#define FAILS(fd, cmd, arg, err) CHECK(ioctl(fd, cmd, arg) == -1 && errno == (err))
#define WORKS(fd, cmd, arg)      CHECK(ioctl(fd, cmd, arg) == 0)

static int open_hv(void)
{
	int fd = open(HV_DEV_PATH, O_RDWR);

	CHECK(fd >= 0);
	return fd;
}

static uint32_t vm_state(int fd, struct hv_ioc_state *st)
{
	memset(st, 0xa5, sizeof(*st));
	WORKS(fd, HV_IOC_GET_STATE, st);
	return st->state;
}

static void make_file(const char *path, size_t size, char fill)
{
	char buf[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0);
	memset(buf, fill, sizeof(buf));
	for (size_t done = 0; done < size; done += sizeof(buf))
		CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	close(fd);
}

static void test_queries(int fd)
{
	struct hv_ioc_info info;
	struct stat st;

	CHECK(stat(HV_DEV_PATH, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == HV_DEV_MAJOR && minor(st.st_rdev) == HV_DEV_MINOR);
	CHECK(ioctl(fd, HV_IOC_VERSION, 0) == HV_ABI_VERSION);
	FAILS(fd, HV_IOC_INFO, NULL, EFAULT);
	FAILS(fd, HV_IOC_INFO, BAD_PTR, EFAULT);
	memset(&info, 0xa5, sizeof(info));
	WORKS(fd, HV_IOC_INFO, &info);
	CHECK(info.abi_version == HV_ABI_VERSION);
	CHECK(info.max_cpus == HV_MAX_CPUS);
	CHECK(info.hw_available <= 1);
	/* Exactly one of: a backend's name, or why there is none. */
	CHECK(info.hw_available ? info.hw_backend[0] && !info.why[0] : !info.hw_backend[0] && info.why[0]);
	CHECK(memchr(info.why, 0, sizeof(info.why)) && memchr(info.hw_backend, 0, sizeof(info.hw_backend)));
	FAILS(fd, HV_IO(0x7f), 0, ENOTTY);
	FAILS(fd, 0x5401 /* TCGETS */, &info, ENOTTY);
	FAILS(fd, HV_IOW(0x02, uint32_t), &info, ENOTTY); /* CREATE's number, wrong size */
}

static void test_before_create(int fd)
{
	struct hv_ioc_memory mem = {.gpa = 1ull << 32, .size = 4096, .kind = HV_MEM_RAM};
	struct hv_ioc_state st;
	char c = 'x';

	CHECK(vm_state(fd, &st) == HV_STATE_NONE);
	CHECK(st.stop_reason == HV_REASON_NONE && st.nexits == 0 && st.backend[0] == 0);
	FAILS(fd, HV_IOC_START, 0, EINVAL);
	FAILS(fd, HV_IOC_STOP, 0, EINVAL);
	FAILS(fd, HV_IOC_ADD_MEMORY, &mem, EINVAL);
	CHECK(read(fd, &c, 1) == -1 && errno == EINVAL);
	CHECK(write(fd, &c, 1) == -1 && errno == EINVAL);
}

static void test_create(int fd)
{
	struct hv_ioc_create c = {.ncpus = 1, .flags = HV_CREATE_SIMULATED, .mem_size = 16 << 20, .max_mem = 32 << 20};
	struct hv_ioc_create bad;
	struct hv_ioc_state st;

	FAILS(fd, HV_IOC_CREATE, NULL, EFAULT);
	FAILS(fd, HV_IOC_CREATE, BAD_PTR, EFAULT);
	bad = c, bad.ncpus = 0;
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	bad = c, bad.ncpus = HV_MAX_CPUS + 1;
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	bad = c, bad.flags = 0x80;
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	bad = c, bad.mem_size = 4097;
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	bad = c, bad.mem_size = 0, bad.max_mem = 0;
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	bad = c, bad.max_mem = 8 << 20; /* below mem_size */
	FAILS(fd, HV_IOC_CREATE, &bad, EINVAL);
	CHECK(vm_state(fd, &st) == HV_STATE_NONE); /* nothing half-made */
	WORKS(fd, HV_IOC_CREATE, &c);
	FAILS(fd, HV_IOC_CREATE, &c, EEXIST);
	CHECK(vm_state(fd, &st) == HV_STATE_CREATED);
	CHECK(st.stop_reason == HV_REASON_NONE && strcmp(st.backend, "sim") == 0);
	CHECK(st.nexits > 0 && st.nexits <= HV_EXIT_SLOTS);
}

static void test_memory(int fd)
{
	struct hv_ioc_memory good = {.gpa = 8ull << 30, .size = 1 << 20, .kind = HV_MEM_RAM}, bad;

	FAILS(fd, HV_IOC_ADD_MEMORY, NULL, EFAULT);
	bad = good, bad.kind = 7;
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EINVAL);
	bad = good, bad.reserved = 1;
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EINVAL);
	bad = good, bad.size = 0;
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EINVAL);
	bad = good, bad.gpa += 512;
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EINVAL);
	bad = good, bad.gpa = ~0ull & ~4095ull; /* wraps */
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EINVAL);
	bad = good, bad.gpa = 0; /* over the RAM CREATE added */
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, EBUSY);
	bad = good, bad.gpa = 16ull << 30, bad.size = 64 << 20; /* past max_mem */
	FAILS(fd, HV_IOC_ADD_MEMORY, &bad, ENOMEM);
	WORKS(fd, HV_IOC_ADD_MEMORY, &good);
	FAILS(fd, HV_IOC_ADD_MEMORY, &good, EBUSY); /* the same range again */
}

static void test_disk(int fd)
{
	struct hv_ioc_disk d = {.fd = -1};
	int img, ro, dir, empty;

	FAILS(fd, HV_IOC_ADD_DISK, NULL, EFAULT);
	FAILS(fd, HV_IOC_ADD_DISK, &d, EBADF);
	d.fd = 999;
	FAILS(fd, HV_IOC_ADD_DISK, &d, EBADF);
	make_file(IMG, 1 << 20, 0);
	img = open(IMG, O_RDWR);
	ro = open(IMG, O_RDONLY);
	dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	make_file(EMPTY, 0, 0);
	empty = open(EMPTY, O_RDONLY);
	CHECK(img >= 0 && ro >= 0 && dir >= 0 && empty >= 0);
	d.fd = img, d.flags = 0x10;
	FAILS(fd, HV_IOC_ADD_DISK, &d, EINVAL);
	d.fd = ro, d.flags = 0; /* writable disk, read-only descriptor */
	FAILS(fd, HV_IOC_ADD_DISK, &d, EBADF);
	d.fd = dir, d.flags = HV_DISK_READ_ONLY;
	FAILS(fd, HV_IOC_ADD_DISK, &d, EINVAL);
	d.fd = empty, d.flags = HV_DISK_READ_ONLY;
	FAILS(fd, HV_IOC_ADD_DISK, &d, EINVAL);
	d.fd = ro, d.flags = HV_DISK_READ_ONLY;
	WORKS(fd, HV_IOC_ADD_DISK, &d);
	d.fd = img, d.flags = 0;
	WORKS(fd, HV_IOC_ADD_DISK, &d);
	close(img), close(ro), close(dir), close(empty);
}

static void test_net(int fd)
{
	struct hv_ioc_net n = {.fd = -1};

	FAILS(fd, HV_IOC_ADD_NET, NULL, EFAULT);
	FAILS(fd, HV_IOC_ADD_NET, &n, ENOSYS);
}

static void test_load(int fd)
{
	static char longline[HV_CMDLINE_MAX + 16];
	struct hv_ioc_load l = {.kernel_fd = -1, .initrd_fd = -1};
	int empty = open(EMPTY, O_RDONLY), garbage, wronly;

	make_file(GARBAGE, 8192, 'z');
	garbage = open(GARBAGE, O_RDONLY);
	wronly = open(GARBAGE, O_WRONLY);
	CHECK(empty >= 0 && garbage >= 0 && wronly >= 0);
	FAILS(fd, HV_IOC_LOAD_LINUX, NULL, EFAULT);
	FAILS(fd, HV_IOC_LOAD_MULTIBOOT, BAD_PTR, EFAULT);
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, EBADF);
	l.kernel_fd = wronly;
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, EBADF);
	l.kernel_fd = garbage, l.initrd_fd = 999;
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, EBADF);
	l.initrd_fd = -1, l.cmdline = (uint64_t)(uintptr_t)BAD_PTR;
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, EFAULT);
	memset(longline, 'a', sizeof(longline) - 1);
	l.cmdline = (uint64_t)(uintptr_t)longline;
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, E2BIG);
	l.cmdline = (uint64_t)(uintptr_t) "console=ttyS0";
	l.kernel_fd = empty;
	FAILS(fd, HV_IOC_LOAD_MULTIBOOT, &l, ENOEXEC);
	l.kernel_fd = garbage; /* neither a bzImage nor a multiboot kernel */
	CHECK(ioctl(fd, HV_IOC_LOAD_LINUX, &l) == -1);
	CHECK(ioctl(fd, HV_IOC_LOAD_MULTIBOOT, &l) == -1);
	close(empty), close(garbage), close(wronly);
}

static void test_lifecycle(int fd)
{
	struct hv_ioc_memory mem = {.gpa = 12ull << 30, .size = 4096, .kind = HV_MEM_RAM};
	struct hv_ioc_load l = {.kernel_fd = 0, .initrd_fd = -1};
	struct hv_ioc_disk d = {.fd = 0, .flags = HV_DISK_READ_ONLY};
	struct hv_ioc_state st;
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
	char buf[64];
	size_t got = 0;

	FAILS(fd, HV_IOC_PAUSE, 0, EINVAL);
	FAILS(fd, HV_IOC_RESUME, 0, EINVAL);
	FAILS(fd, HV_IOC_STOP, 0, EINVAL);
	WORKS(fd, HV_IOC_START, 0);
	FAILS(fd, HV_IOC_START, 0, EINVAL);
	FAILS(fd, HV_IOC_ADD_MEMORY, &mem, EBUSY);
	FAILS(fd, HV_IOC_ADD_DISK, &d, EBUSY);
	FAILS(fd, HV_IOC_LOAD_LINUX, &l, EBUSY);
	CHECK(vm_state(fd, &st) == HV_STATE_RUNNING);
	FAILS(fd, HV_IOC_RESUME, 0, EINVAL);
	/* The script's guest prints "hello\n" on COM1, then halts. */
	while (got < 6) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);
		CHECK(n > 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(got == 6 && memcmp(buf, "hello\n", 6) == 0);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	CHECK(write(fd, "in", 2) == 2); /* lands in the UART's receive FIFO */
	WORKS(fd, HV_IOC_PAUSE, 0);
	CHECK(vm_state(fd, &st) == HV_STATE_PAUSED);
	FAILS(fd, HV_IOC_PAUSE, 0, EINVAL);
	WORKS(fd, HV_IOC_RESUME, 0);
	CHECK(vm_state(fd, &st) == HV_STATE_RUNNING);
	WORKS(fd, HV_IOC_STOP, 0);
	CHECK(vm_state(fd, &st) == HV_STATE_STOPPED);
	CHECK(st.stop_reason == HV_REASON_REQUESTED);
	CHECK(st.exits[1 /* HV_EXIT_IO */] >= 6);
	CHECK(st.console_dropped == 0);
	WORKS(fd, HV_IOC_STOP, 0); /* no-op once stopped */
	FAILS(fd, HV_IOC_START, 0, EINVAL);
	FAILS(fd, HV_IOC_PAUSE, 0, EINVAL);
	FAILS(fd, HV_IOC_RESUME, 0, EINVAL);
	FAILS(fd, HV_IOC_GET_STATE, NULL, EFAULT);
	p.events = POLLIN;
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLHUP));
	CHECK(read(fd, buf, sizeof(buf)) == 0); /* end of file */
	CHECK(write(fd, "x", 1) == -1 && errno == EIO);
}

/* Closing destroys the VM in every state. */
static void test_close_in_every_state(void)
{
	struct hv_ioc_create c = {.ncpus = 2, .flags = HV_CREATE_SIMULATED, .mem_size = 4 << 20};
	int fd;

	for (int pass = 0; pass < 3; pass++) {
		fd = open_hv();
		WORKS(fd, HV_IOC_CREATE, &c);
		if (pass >= 1)
			WORKS(fd, HV_IOC_START, 0);
		if (pass == 2)
			WORKS(fd, HV_IOC_PAUSE, 0);
		CHECK(close(fd) == 0);
	}
	fd = open_hv(); /* never created */
	CHECK(close(fd) == 0);
}

int main(void)
{
	int fd = open_hv();

	if (fd < 0)
		return 1;
	test_queries(fd);
	test_before_create(fd);
	test_create(fd);
	test_memory(fd);
	test_disk(fd);
	test_net(fd);
	test_load(fd);
	test_lifecycle(fd);
	CHECK(close(fd) == 0);
	test_close_in_every_state();
	unlink(IMG), unlink(EMPTY), unlink(GARBAGE);
	printf("hvctl: %d failure(s)\n", failures);
	return failures > 125 ? 125 : failures;
}
