/* /dev/hv from user space against the simulated backend: the ioctl test
 * program tests/user/hvctl.c, and vmctl running a scripted guest. */
#include <hv/backend.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/vfs.h>
#include <plat/user.h>

#include "user_run.h"

#define COM1_DATA 0x3f8
#define EXIT_PORT 0xf4

/* The scripted guest keeps its program counter in rip, counted from where
 * the vCPU started (the reset vector when nothing was loaded): instruction i
 * prints msg[i] on COM1; after the message it halts (`poweroff` < 0) or
 * writes `poweroff` to the exit port. */
struct guest_script {
	const char *msg;
	int poweroff;
	bool started;
	uint64_t start_rip;
};

static int guest_next(void *ctx, unsigned vcpu, struct hv_regs *regs, struct hv_sregs *sregs, struct hv_run *run)
{
	struct guest_script *g = ctx;
	size_t len = strlen(g->msg);
	uint64_t step;

	if (vcpu == 0 && !g->started) {
		g->started = true;
		g->start_rip = regs->rip;
	}
	step = regs->rip - g->start_rip;

	run->exit.rip = regs->rip;
	run->exit.insn_len = 1;
	if (vcpu != 0) {
		run->exit.reason = HV_EXIT_HLT; /* application processors idle */
		run->exit.insn_len = 0;
	} else if (step < len) {
		run->exit.reason = HV_EXIT_IO;
		run->exit.u.io.port = COM1_DATA;
		run->exit.u.io.size = 1;
		run->exit.u.io.data = (uint8_t)g->msg[step];
	} else if (g->poweroff >= 0 && step == len) {
		run->exit.reason = HV_EXIT_IO;
		run->exit.u.io.port = EXIT_PORT;
		run->exit.u.io.size = 1;
		run->exit.u.io.data = (uint32_t)g->poweroff;
	} else {
		run->exit.reason = HV_EXIT_HLT;
		run->exit.insn_len = 0; /* stays halted */
	}
	return 0;
}

static int run_with_script(struct ktest_ctx *kt, struct guest_script *g, const char *name, const char *const *argv)
{
	struct hv_sim_script s = {guest_next, g};

	g->started = false;
	const char *envp[] = {"PATH=/bin:/usr/bin", NULL};
	int status;

	hv_backend_sim_set_script(&s);
	status = ktest_run_user(kt, name, argv, envp);
	hv_backend_sim_set_script(NULL);
	return status;
}

KTEST(hv_ctl_user_ioctls)
{
	static struct guest_script hello = {.msg = "hello\n", .poweroff = -1};
	const char *argv[] = {"hvctl", NULL};

	KT_SKIP_UNLESS(plat_user_available(), KTEST_NO_USER);
	KT_ASSERT_EQ(run_with_script(kt, &hello, "hvctl", argv), 0);
}

/* vmctl relays the guest's output and exits with its power-off code. */
KTEST(hv_ctl_vmctl_poweroff)
{
	static struct guest_script bye = {.msg = "vmctl-guest says bye\n", .poweroff = 42};
	const char *argv[] = {"vmctl", "run", "--simulated", "--mem", "4M", "--timeout", "30", NULL};
	int status;

	KT_SKIP_UNLESS(plat_user_available(), KTEST_NO_USER);
	status = run_with_script(kt, &bye, "vmctl", argv);
	KT_ASSERT_EQ((status >> 8) & 0xff, 42);
	KT_ASSERT_EQ(status & 0x7f, 0);
}

/* A guest that never stops is stopped by --timeout (exit status 124). */
KTEST(hv_ctl_vmctl_timeout)
{
	static struct guest_script idle = {.msg = "idle\n", .poweroff = -1};
	const char *argv[] = {"vmctl", "run", "--simulated", "--cpus", "2", "--mem", "4M", "--timeout", "1", NULL};
	int status;

	KT_SKIP_UNLESS(plat_user_available(), KTEST_NO_USER);
	status = run_with_script(kt, &idle, "vmctl", argv);
	KT_ASSERT_EQ((status >> 8) & 0xff, 124);
}
