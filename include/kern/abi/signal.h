/* Linux x86-64 signal numbers, flags and frame structures. */
#ifndef KERN_ABI_SIGNAL_H
#define KERN_ABI_SIGNAL_H
#include <kern/types.h>

#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 2048

#define SI_USER       0
#define SI_KERNEL     0x80
#define SI_TKILL      (-6)
#define SEGV_MAPERR   1
#define SEGV_ACCERR   2
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

struct linux_siginfo {
	int32_t si_signo, si_errno, si_code, _pad0;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t _pad;
			int64_t utime, stime;
		} chld;
		struct {
			uint64_t addr;
		} fault;
		uint8_t _raw[112];
	} u;
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo is 128 bytes");

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags, _pad;
	uint64_t ss_size;
};

struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext is 256 bytes");

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct linux_rt_sigframe {
	uint64_t pretcode; /* the handler returns here: sa_restorer */
	struct linux_ucontext uc;
	struct linux_siginfo info;
};
#endif
