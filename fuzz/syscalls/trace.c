/* strace-style printing of decoded calls, for replays and crash reports. */
#include "prog.h"

#include <kern/syscall.h>
#include <stdio.h>

static const char *const errnames[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [9] = "EBADF",
	[10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",
	[17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL",
	[24] = "EMFILE", [25] = "ENOTTY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
	[32] = "EPIPE", [34] = "ERANGE", [36] = "ENAMETOOLONG", [38] = "ENOSYS", [39] = "ENOTEMPTY",
	[40] = "ELOOP", [512] = "ERESTARTSYS",
};

static void print_arg(uint8_t kind, long v, const char *str)
{
	switch (kind) {
	case SARG_STR:
	case SARG_PATH:
		fputc('"', stderr);
		for (const unsigned char *s = (const unsigned char *)str; *s; s++)
			fprintf(stderr, *s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\' ? "%c" : "\\x%02x", *s);
		fputc('"', stderr);
		break;
	case SARG_FD:
		if ((int)v == -100)
			fputs("AT_FDCWD", stderr);
		else
			fprintf(stderr, "%d", (int)v);
		break;
	case SARG_INT:
	case SARG_PID:
	case SARG_SIG:
	case SARG_SIZE:
		fprintf(stderr, "%ld", v);
		break;
	case SARG_MODE:
		fprintf(stderr, "0%lo", v);
		break;
	default:
		fprintf(stderr, "%#lx", v);
	}
}

void prog_print_call(const struct prog_call *c, bool with_ret)
{
	const struct syscall_desc *d = &syscall_table[c->nr];

	fprintf(stderr, "%s%s(", with_ret ? "" : "... ", d->name);
	for (unsigned i = 0; i < d->nargs; i++) {
		if (i)
			fputs(", ", stderr);
		print_arg(d->kinds[i], c->args[i], c->str[i]);
	}
	if (!with_ret)
		fputs(")\n", stderr);
	else if (c->ret < 0 && c->ret > -4096 && -c->ret < (long)(sizeof(errnames) / sizeof(errnames[0])) &&
		 errnames[-c->ret])
		fprintf(stderr, ") = -1 %s\n", errnames[-c->ret]);
	else if (c->ret < 0 && c->ret > -4096)
		fprintf(stderr, ") = -1 (errno %ld)\n", -c->ret);
	else
		fprintf(stderr, ") = %#lx\n", c->ret);
}
