/* Input format: a sequence of records. A record starting with a byte >= 0xf0
 * writes bytes into the process's buffer (offset u16, length u8, bytes: for
 * iovecs, timespecs, pollfds...); any other byte picks a syscall among those
 * the table implements, and each of its arguments consumes a choice byte
 * (and maybe more) interpreted by the argument's kind. */
#include "prog.h"

#include <kern/syscall.h>
#include <string.h>

#include "../kernel/kfuzz.h"

#define AT_FDCWD (-100)
#define STR_AREA 0xe000UL /* strings go in 8 slots of 256 bytes at the buffer's end */

struct reader {
	const uint8_t *p, *end;
};

static unsigned rd8(struct reader *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

static uint64_t rdn(struct reader *r, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)rd8(r) << (8 * i);
	return v;
}

/* Never run: they end the calling thread (exit; rt_sigreturn with no signal
 * frame kills the process), or start threads that run
 * user code, which this process has none of (fork, vfork, clone). */
static bool denied(const char *name)
{
	static const char *const deny[] = {"exit", "exit_group", "rt_sigreturn", "fork", "vfork", "clone"};
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (strcmp(name, deny[i]) == 0)
			return true;
	return false;
}

static unsigned allowed[SYSCALL_MAX], nallowed;

static void build_allowed(void)
{
	if (nallowed)
		return;
	for (unsigned nr = 0; nr < SYSCALL_MAX; nr++)
		if (syscall_table[nr].name && syscall_table[nr].fn && !denied(syscall_table[nr].name))
			allowed[nallowed++] = nr;
}

static const char *const paths[] = {
    "/",
    "/tmp",
    "/tmp/a",
    "/tmp/a/b",
    "/tmp/f",
    "/tmp/l",
    ".",
    "..",
    "",
    "/dev/null",
    "/dev/zero",
    "/dev/tty",
    "/dev/console",
    "/dev/urandom",
    "/proc/self/status",
    "/proc/self/fd/0",
    "/proc/1/cmdline",
    "/proc/self/maps",
    "/tmp/a/../f",
    "a",
    "a/b",
    "f",
    "//tmp///a/",
    "/tmp/f/x",
    "/proc",
    "/sys",
    "/tmp/nametoolongnametoolongnametoolongnametoolongnametoolong",
    "/tmp/a/b/c/d",
};

/* Flag bits of the Linux ABI that FLAGS arguments are built from (open,
 * *at, mmap/mprotect, clone, signals, wait, eventfd/timerfd/epoll, sockets,
 * memfd, renameat2, ...): the decoder draws one, or ORs two, so flag
 * combinations need no luck with raw bytes. Raw values remain possible. */
static const uint32_t flag_bits[] = {
    0x1,       0x2,       0x3,       0x4,        0x8,        0x10,       0x20,       0x40,     0x80,
    0x100,     0x200,     0x400,     0x800,      0x1000,     0x2000,     0x4000,     0x8000,   0x10000,
    0x20000,   0x40000,   0x80000,   0x100000,   0x200000,   0x400000,   0x410000,   0x800000, 0x1000000,
    0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000, 0x80000000, 0x1ff,    0x1b6,
    0x1ed,     0x124,     0xfff,     0x7fffffff, 0xffffffff,
};
#define NFLAG_BITS (sizeof(flag_bits) / sizeof(flag_bits[0]))

struct ctx {
	struct reader r;
	struct kfuzz_proc *fp;
	long fds[8];
	unsigned nfds, next_slot;
};

static long gen_string(struct ctx *c, unsigned choice, char *out)
{
	uintptr_t slot = STR_AREA + (c->next_slot++ % 8) * 256;
	size_t len;

	if (choice % 4 != 3) {
		const char *s = paths[(choice >> 2) % (sizeof(paths) / sizeof(paths[0]))];
		len = strlen(s);
		memcpy(out, s, len + 1);
	} else {
		len = rd8(&c->r) % (PROG_STR_MAX - 1);
		for (size_t i = 0; i < len; i++)
			out[i] = (char)rd8(&c->r);
		out[len] = '\0';
	}
	kfuzz_proc_poke(c->fp, slot, out, len + 1);
	return (long)(KFUZZ_UBUF + slot);
}

static long gen_arg(struct ctx *c, uint8_t kind, char *str, uint64_t flagset)
{
	unsigned ch = rd8(&c->r);

	switch (kind) {
	case SARG_FD:
		switch (ch % 8) {
		case 0:
		case 1:
		case 2:
		case 3: return c->nfds ? c->fds[(ch >> 3) % c->nfds] : 3;
		case 4: return AT_FDCWD;
		case 5: return ch >> 3;
		case 6: return -1;
		default: return (int)rdn(&c->r, 4);
		}
	case SARG_PTR:
		switch (ch % 8) {
		case 0: return 0;
		case 1: return (long)(KFUZZ_UBUF + rdn(&c->r, 2) % KFUZZ_UBUF_SIZE);
		case 6: return (long)(KFUZZ_UBUF + KFUZZ_UBUF_SIZE - 8); /* straddles the end */
		case 7: return (long)rdn(&c->r, 8);
		default: return (long)(KFUZZ_UBUF + (ch >> 3) * 256);
		}
	case SARG_STR:
	case SARG_PATH: return gen_string(c, ch, str);
	case SARG_SIZE:
		switch (ch % 4) {
		case 0: return ch >> 2;
		case 1: return (long)rdn(&c->r, 2);
		case 2: return 4096;
		default: return (long)rdn(&c->r, 8);
		}
	case SARG_PID:
		switch (ch % 4) {
		case 0: return kfuzz_proc_pid(c->fp);
		case 1: return 0;
		case 2: return -1;
		default: return (int)rdn(&c->r, 4);
		}
	case SARG_SIG: return ch % 65;
	case SARG_ADDR:
		if (ch % 4 == 3)
			return (long)(KFUZZ_UBUF + (rdn(&c->r, 2) % KFUZZ_UBUF_SIZE));
		/* fall through */
	case SARG_FLAGS:
		/* A subset of the argument's valid flags: each one with even odds. */
		if (flagset && ch % 8 >= 3 && ch % 8 <= 5)
			return (long)(rdn(&c->r, 4) & flagset);
		switch (ch % 8) {
		case 0: return ch >> 3;
		/* Raw values are whole 8-byte words: the value compared in the
		 * kernel then appears as such in the input, and libFuzzer's
		 * compare tracing (TORC) can replace it with the other operand. */
		case 1:
		case 2: return (long)rdn(&c->r, 8);
		case 3: return 1L << ((ch >> 3) % 32);
		case 4:
		case 5: return flag_bits[rd8(&c->r) % NFLAG_BITS];
		default: {
			long v = flag_bits[rd8(&c->r) % NFLAG_BITS];
			return v | (ch % 8 == 6 ? flag_bits[rd8(&c->r) % NFLAG_BITS] : (long)rdn(&c->r, 2));
		}
		}
	default: /* INT UINT HEX MODE */
		switch (ch % 4) {
		case 0: return ch >> 2;
		case 1: return (long)rdn(&c->r, 4);
		case 2: return (long)rdn(&c->r, 8);
		default: return 1L << ((ch >> 2) % 32);
		}
	}
}

/* A seed for the index-th syscall the harness runs: one call whose numbers
 * are raw little-endian words in the input, so that a kernel compare of one
 * finds its operand verbatim (input-to-state, TORC), pointers into the buffer
 * and a path from the table. Generated from the table: every syscall is
 * reached from the first input on, and a new one gets its seed with no change
 * here. Raw words hold `raw`: 0 reaches the valid paths; a filler the kernel
 * rejects leaves them free to change without changing the path, which is
 * what AFL++'s colorization looks for before it tries compared operands
 * there. Returns the length, 0 past the last syscall. */
static size_t put(uint8_t *out, size_t n, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		out[n++] = (uint8_t)(v >> (8 * i));
	return n;
}

size_t prog_seed(unsigned index, uint64_t raw, uint8_t *out)
{
	build_allowed();
	if (index >= nallowed || index >= 0xf0) /* a record byte >= 0xf0 is a buffer write */
		return 0;
	const struct syscall_desc *d = &syscall_table[allowed[index]];
	size_t n = 0;

	out[n++] = (uint8_t)index;
	for (unsigned i = 0; i < d->nargs; i++) {
		switch (d->kinds[i]) {
		case SARG_FD: n = put(out, put(out, n, 7, 1), 1, 4); break; /* raw int: stdout */
		case SARG_PTR: n = put(out, put(out, n, 1, 1), 0x1000 * (i + 1), 2); break;
		case SARG_STR:
		case SARG_PATH: out[n++] = 2 << 2; break; /* "/tmp/a" */
		case SARG_SIZE: n = put(out, put(out, n, 3, 1), 64, 8); break;
		case SARG_PID: n = put(out, put(out, n, 3, 1), raw, 4); break;
		case SARG_SIG: out[n++] = 0; break;
		case SARG_ADDR:
		case SARG_FLAGS: n = put(out, put(out, n, 1, 1), raw, 8); break;
		default: n = put(out, put(out, n, 2, 1), raw, 8); break;
		}
	}
	return n;
}

/* The fuzz process is built once, before the snapshot: every input starts
 * with it as it was then, and the reset undoes whatever the input did. */
static struct kfuzz_proc *the_proc;

void prog_setup(void)
{
	build_allowed();
	the_proc = kfuzz_proc_begin();
}

void prog_run(void *arg)
{
	struct prog_input *in = arg;
	struct ctx c = {.r = {in->data, in->data + in->size}};

	c.fp = the_proc;
	in->ncalls = 0;
	while (c.r.p < c.r.end && in->ncalls < PROG_MAX_CALLS) {
		unsigned b = rd8(&c.r);
		if (b >= 0xf0) {
			uint8_t bytes[64];
			size_t off = rdn(&c.r, 2), len = rd8(&c.r) % sizeof(bytes);
			for (size_t i = 0; i < len; i++)
				bytes[i] = (uint8_t)rd8(&c.r);
			kfuzz_proc_poke(c.fp, off, bytes, len);
			continue;
		}
		struct prog_call *call = &in->calls[in->ncalls++];
		const struct syscall_desc *d = &syscall_table[allowed[b % nallowed]];
		memset(call, 0, sizeof(*call));
		call->nr = allowed[b % nallowed];
		for (unsigned i = 0; i < d->nargs; i++)
			call->args[i] = gen_arg(&c, d->kinds[i], call->str[i],
			                        d->kinds[i] == SARG_FLAGS ? prog_flagset(d->name, i) : 0);
		if (in->trace)
			prog_print_call(call, false);
		call->ret = kfuzz_proc_syscall(c.fp, call->nr, call->args);
		if (in->trace)
			prog_print_call(call, true);
		if (call->ret >= 0 && call->ret < 64 && c.nfds < 8)
			c.fds[c.nfds++] = call->ret; /* maybe a descriptor: later FD arguments reuse it */
	}
	if (in->exit_check)
		kfuzz_proc_end(c.fp);
}
