/* Self tests of pipes from kernel threads: data, end of file, EPIPE,
 * blocking in both directions, PIPE_BUF atomicity, O_NONBLOCK, poll masks,
 * and the shared poll wake-up. */
#include <kern/abi/fcntl.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/pipe.h>
#include <kern/pollwait.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/time.h>

#define MS 1000000ULL

KTEST(pipe_data_eof_epipe)
{
	struct file *rd, *wr;
	char buf[16];

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	KT_ASSERT_EQ(vfs_write(wr, "hello", 5), 5);
	KT_ASSERT_EQ(vfs_read(rd, buf, 3), 3);
	KT_ASSERT(memcmp(buf, "hel", 3) == 0);
	KT_ASSERT_EQ(vfs_read(rd, buf, sizeof(buf)), 2);
	KT_ASSERT_EQ(vfs_write(rd, "x", 1), -EBADF); /* the read end is read-only */
	KT_ASSERT_EQ(vfs_lseek(rd, 0, SEEK_SET), -ESPIPE);
	KT_ASSERT_EQ(vfs_write(wr, "tail", 4), 4);
	file_put(wr);
	KT_ASSERT_EQ(vfs_read(rd, buf, sizeof(buf)), 4); /* what was written survives */
	KT_ASSERT_EQ(vfs_read(rd, buf, sizeof(buf)), 0); /* then end of file */
	file_put(rd);

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	file_put(rd);
	KT_ASSERT_EQ(vfs_write(wr, "x", 1), -EPIPE);
	file_put(wr);
}

KTEST(pipe_nonblocking)
{
	struct file *rd, *wr;
	char *big = kzalloc(PIPE_SIZE);
	char buf[8];

	KT_ASSERT(big);
	KT_ASSERT_EQ(pipe_create(O_NONBLOCK, &rd, &wr), 0);
	KT_ASSERT(rd->flags & O_NONBLOCK);
	KT_ASSERT_EQ(vfs_read(rd, buf, sizeof(buf)), -EAGAIN);
	KT_ASSERT_EQ(vfs_write(wr, big, PIPE_SIZE - 100), (long)(PIPE_SIZE - 100));
	/* An atomic write that does not fit is refused whole... */
	KT_ASSERT_EQ(vfs_write(wr, big, 200), -EAGAIN);
	/* ...a larger one takes what fits. */
	KT_ASSERT_EQ(vfs_write(wr, big, PIPE_BUF + 1), 100);
	KT_ASSERT_EQ(vfs_write(wr, big, PIPE_BUF + 1), -EAGAIN);
	KT_ASSERT_EQ(vfs_poll(wr, NULL) & POLLOUT, 0);
	KT_ASSERT_EQ(vfs_read(rd, big, PIPE_SIZE), (long)PIPE_SIZE);
	KT_ASSERT_EQ(vfs_poll(wr, NULL) & POLLOUT, POLLOUT);
	file_put(rd);
	file_put(wr);
	kfree(big);
}

KTEST(pipe_poll_masks)
{
	struct poll_table pt = {0, {NULL}};
	struct file *rd, *wr;
	char c;

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	KT_ASSERT_EQ(vfs_poll(rd, &pt), 0);
	KT_ASSERT_EQ(pt.count, 1);
	KT_ASSERT(pt.queues[0] == poll_waitqueue());
	KT_ASSERT_EQ(vfs_poll(wr, NULL), POLLOUT | POLLWRNORM);
	KT_ASSERT_EQ(vfs_write(wr, "x", 1), 1);
	KT_ASSERT_EQ(vfs_poll(rd, NULL), POLLIN | POLLRDNORM);
	file_put(wr);
	KT_ASSERT_EQ(vfs_poll(rd, NULL), POLLIN | POLLRDNORM | POLLHUP);
	KT_ASSERT_EQ(vfs_read(rd, &c, 1), 1);
	KT_ASSERT_EQ(vfs_poll(rd, NULL), POLLHUP);
	file_put(rd);

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	file_put(rd);
	KT_ASSERT_EQ(vfs_poll(wr, NULL), POLLOUT | POLLWRNORM | POLLERR);
	file_put(wr);
}

/* --- blocking in both directions and atomicity under contention ----------------- */

#define RECORD PIPE_BUF
#define RECORDS_PER_WRITER 64
#define WRITERS 3

struct pipe_test {
	struct ktest_ctx *kt;
	struct file *rd, *wr;
	int id;
};

static void record_writer(void *arg)
{
	struct pipe_test *t = arg;
	char *rec = kmalloc(RECORD);

	KT_CHECK(t->kt, rec);
	if (!rec)
		return;
	memset(rec, 'A' + t->id, RECORD);
	for (int i = 0; i < RECORDS_PER_WRITER; i++)
		KT_CHECK(t->kt, vfs_write(t->wr, rec, RECORD) == RECORD);
	kfree(rec);
}

KTEST(pipe_atomic_writes_under_contention)
{
	struct pipe_test t[WRITERS];
	struct thread *th[WRITERS];
	struct file *rd, *wr;
	char *rec = kmalloc(RECORD);
	size_t total = 0, want = (size_t)WRITERS * RECORDS_PER_WRITER * RECORD;
	int counts[WRITERS] = {0};

	KT_ASSERT(rec);
	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	for (int i = 0; i < WRITERS; i++) {
		t[i] = (struct pipe_test){kt, rd, wr, i};
		th[i] = thread_create(record_writer, &t[i], "pipe-writer", SCHED_PRIO_DEFAULT, CPU_ANY, false);
		KT_ASSERT(th[i]);
	}
	/* Reads of odd sizes; each record must still come out whole. */
	while (total < want) {
		size_t got = 0;
		while (got < RECORD) {
			ssize_t n = vfs_read(rd, rec + got, MIN((size_t)1000, RECORD - got));
			KT_ASSERT(n > 0);
			got += (size_t)n;
		}
		for (size_t i = 1; i < RECORD; i++)
			KT_ASSERT_EQ(rec[i], rec[0]);
		KT_ASSERT(rec[0] >= 'A' && rec[0] < 'A' + WRITERS);
		counts[rec[0] - 'A']++;
		total += RECORD;
	}
	for (int i = 0; i < WRITERS; i++) {
		thread_join(th[i]);
		KT_ASSERT_EQ(counts[i], RECORDS_PER_WRITER);
	}
	file_put(wr);
	KT_ASSERT_EQ(vfs_read(rd, rec, 1), 0);
	file_put(rd);
	kfree(rec);
}

struct late_writer {
	struct file *wr;
	ktime_t delay;
};

static void late_write(void *arg)
{
	struct late_writer *w = arg;
	thread_sleep_ns(w->delay);
	vfs_write(w->wr, "!", 1);
}

static void late_close(void *arg)
{
	struct late_writer *w = arg;
	thread_sleep_ns(w->delay);
	file_put(w->wr);
}

KTEST(pipe_blocking_reader_wakes)
{
	struct late_writer w;
	struct file *rd, *wr;
	struct thread *th;
	ktime_t t0;
	char c;

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	w = (struct late_writer){wr, 20 * MS};
	t0 = plat_time_ns();
	th = thread_create(late_write, &w, "late-writer", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	KT_ASSERT_EQ(vfs_read(rd, &c, 1), 1);
	KT_ASSERT(plat_time_ns() - t0 >= 20 * MS);
	thread_join(th);
	/* The last writer going away wakes a blocked reader with end of file. */
	th = thread_create(late_close, &w, "late-close", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	KT_ASSERT_EQ(vfs_read(rd, &c, 1), 0);
	thread_join(th);
	file_put(rd);
}

static void slow_drain(void *arg)
{
	struct pipe_test *t = arg;
	char *buf = kmalloc(PIPE_SIZE);

	KT_CHECK(t->kt, buf);
	if (!buf)
		return;
	thread_sleep_ns(20 * MS);
	for (size_t got = 0; got < PIPE_SIZE + PIPE_BUF;) {
		ssize_t n = vfs_read(t->rd, buf, PIPE_SIZE);
		KT_CHECK(t->kt, n > 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	kfree(buf);
}

KTEST(pipe_blocking_writer_waits_for_room)
{
	struct pipe_test t;
	struct file *rd, *wr;
	struct thread *th;
	char *big = kzalloc(PIPE_SIZE + PIPE_BUF);

	KT_ASSERT(big);
	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	t = (struct pipe_test){kt, rd, wr, 0};
	th = thread_create(slow_drain, &t, "drain", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	/* More than the ring holds: the write blocks until the reader drains. */
	KT_ASSERT_EQ(vfs_write(wr, big, PIPE_SIZE + PIPE_BUF), (long)(PIPE_SIZE + PIPE_BUF));
	thread_join(th);
	file_put(rd);
	file_put(wr);
	kfree(big);
}

/* A poller sleeping on the shared queue wakes when a pipe changes. */
static void poll_waiter(void *arg)
{
	struct pipe_test *t = arg;
	uint64_t gen = poll_generation();

	while (!(vfs_poll(t->rd, NULL) & POLLIN)) {
		KT_CHECK(t->kt, poll_wait_change(gen, 5000 * MS) == 0);
		gen = poll_generation();
	}
}

KTEST(pipe_wakes_pollers)
{
	struct late_writer w;
	struct pipe_test t;
	struct file *rd, *wr;
	struct thread *th[2];

	KT_ASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	t = (struct pipe_test){kt, rd, wr, 0};
	w = (struct late_writer){wr, 10 * MS};
	th[0] = thread_create(poll_waiter, &t, "poller", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	th[1] = thread_create(late_write, &w, "late-writer", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th[0] && th[1]);
	thread_join(th[0]);
	thread_join(th[1]);
	KT_ASSERT_EQ(poll_wait_change(poll_generation(), 1 * MS), -ETIMEDOUT);
	file_put(rd);
	file_put(wr);
}
