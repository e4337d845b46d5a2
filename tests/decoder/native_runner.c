/* See native_runner.h. The stubs use only movabs/pop/push/pushfq/popfq, so
 * nothing between loading the registers and storing them touches a flag or
 * the stack the instruction under test may be using as a base register. */
#include "native_runner.h"
#include <immintrin.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Register file in pop order: rax rcx rdx rbx rbp rsi rdi r8..r15 rflags rsp. */
static uint64_t in_regs[18];
/* Stored by pushes from out_regs[16] downwards: [1..14] rcx..r15, [15] rflags. */
static uint64_t out_regs[16];
static uint64_t out_rax, out_rsp, host_rsp;

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_signal;

static void on_fault(int sig)
{
	fault_signal = sig;
	siglongjmp(fault_jmp, 1);
}

static uint8_t *emit(uint8_t *p, const void *bytes, size_t n)
{
	memcpy(p, bytes, n);
	return p + n;
}

static uint8_t *emit_movabs(uint8_t *p, uint8_t prefix, uint8_t opcode, const void *addr)
{
	uint64_t a = (uint64_t)(uintptr_t)addr;

	*p++ = prefix;
	*p++ = opcode;
	memcpy(p, &a, 8);
	return p + 8;
}

int native_runner_init(struct native_runner *r, size_t data_size)
{
	static uint8_t altstack[1 << 16];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_ONSTACK | SA_NODEFER};
	void *m = mmap(NULL, 4096 + data_size, PROT_READ | PROT_WRITE | PROT_EXEC,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	r->page = m;
	r->data = r->page + 4096;
	r->data_size = data_size;
	/* The instruction may point rsp anywhere: faults run on their own stack. */
	if (sigaltstack(&ss, NULL))
		return -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);

	uint8_t *p = r->page;
	static const uint8_t save_callee[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
	static const uint8_t load_regs[] = {0x58, 0x59, 0x5a, 0x5b, 0x5d, 0x5e, 0x5f, 0x41, 0x58,
	                                    0x41, 0x59, 0x41, 0x5a, 0x41, 0x5b, 0x41, 0x5c, 0x41,
	                                    0x5d, 0x41, 0x5e, 0x41, 0x5f, 0x9d, 0x5c};
	p = emit(p, save_callee, sizeof(save_callee));
	p = emit_movabs(p, 0x48, 0xb8, &host_rsp);           /* mov rax, &host_rsp */
	p = emit(p, (const uint8_t[]){0x48, 0x89, 0x20}, 3); /* mov [rax], rsp */
	p = emit_movabs(p, 0x48, 0xbc, in_regs);             /* mov rsp, in_regs */
	p = emit(p, load_regs, sizeof(load_regs));           /* pop ...; popfq; pop rsp */
	r->insn_addr = p;
	return 0;
}

int native_run(struct native_runner *r, const uint8_t *bytes, size_t len, struct native_state *st)
{
	static const uint8_t store_regs[] = {0x9c, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54, 0x41, 0x53, 0x41,
	                                     0x52, 0x41, 0x51, 0x41, 0x50, 0x57, 0x56, 0x55, 0x53, 0x52, 0x51};
	static const uint8_t restore_callee[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3};
	uint8_t *p = emit(r->insn_addr, bytes, len);
	static const int pop_order[15] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

	p = emit_movabs(p, 0x48, 0xa3, &out_rax);            /* mov [out_rax], rax */
	p = emit(p, (const uint8_t[]){0x48, 0x89, 0xe0}, 3); /* mov rax, rsp */
	p = emit_movabs(p, 0x48, 0xa3, &out_rsp);            /* mov [out_rsp], rax */
	p = emit_movabs(p, 0x48, 0xbc, &out_regs[16]);       /* mov rsp, &out_regs[16] */
	p = emit(p, store_regs, sizeof(store_regs));         /* pushfq; push r15 .. rcx */
	*p++ = 0xfc;                                         /* cld, as the C ABI wants */
	p = emit_movabs(p, 0x48, 0xb8, &host_rsp);           /* mov rax, &host_rsp */
	p = emit(p, (const uint8_t[]){0x48, 0x8b, 0x20}, 3); /* mov rsp, [rax] */
	emit(p, restore_callee, sizeof(restore_callee));

	for (int i = 0; i < 15; i++)
		in_regs[i] = st->gpr[pop_order[i]];
	in_regs[15] = st->rflags;
	in_regs[16] = st->gpr[4];
	fault_signal = 0;
	if (sigsetjmp(fault_jmp, 1) == 0) {
		_writegsbase_u64(st->gs_base);
		((void (*)(void))(void *)r->page)();
	}
	_writegsbase_u64(0);
	if (fault_signal)
		return fault_signal;
	st->gpr[0] = out_rax;
	st->gpr[4] = out_rsp;
	/* out_regs[1..14]: rcx rdx rbx rbp rsi rdi r8..r15 (rsp excluded) */
	static const int push_order[14] = {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	for (int i = 0; i < 14; i++)
		st->gpr[push_order[i]] = out_regs[1 + i];
	st->rflags = out_regs[15];
	return 0;
}
