/* Directed cases for what the host-CPU test cannot reach from a 64-bit
 * process: 16- and 32-bit modes (segment bases, 16-bit addressing, address
 * wrap-around), and the emulator's own contract (rep budgets, faults in the
 * middle of a rep, non-canonical addresses, decode statuses). Expected
 * values follow the SDM's definitions. */
#include <hv/x86/emulate.h>
#include <stdio.h>
#include <string.h>

/* A sparse memory: up to 64 logged accesses over a byte map keyed by address. */
struct access {
	uint64_t linear;
	unsigned size;
	bool write;
	uint64_t value;
};

static struct access log_[64];
static unsigned nlog, fail_at_write = ~0u, writes;
static uint8_t mem[1 << 20]; /* linear addresses are taken modulo 1 MiB */

static int mem_read(void *ctx, uint64_t linear, unsigned size, uint64_t *value)
{
	(void)ctx;
	*value = 0;
	for (unsigned i = 0; i < size; i++)
		*value |= (uint64_t)mem[(linear + i) & 0xfffff] << (8 * i);
	if (nlog < 64)
		log_[nlog++] = (struct access){linear, size, false, *value};
	return 0;
}

static int mem_write(void *ctx, uint64_t linear, unsigned size, uint64_t value)
{
	(void)ctx;
	if (writes++ == fail_at_write)
		return -14;
	for (unsigned i = 0; i < size; i++)
		mem[(linear + i) & 0xfffff] = (uint8_t)(value >> (8 * i));
	if (nlog < 64)
		log_[nlog++] = (struct access){linear, size, true, value};
	return 0;
}

static const struct x86_mem_ops ops = {.read = mem_read, .write = mem_write};
static int failures, checks;

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		checks++;                                                                                              \
		if (!(cond)) {                                                                                         \
			failures++;                                                                                    \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                    \
			printf(__VA_ARGS__);                                                                           \
			printf("\n");                                                                                  \
		}                                                                                                      \
	} while (0)

/* Decodes and runs `bytes` in regs->mode; returns the emulator's result. */
static int run(const uint8_t *bytes, size_t n, struct x86_regs *regs, unsigned max_rep)
{
	struct x86_instr in;
	enum x86_decode_status st = x86_decode(bytes, n, regs->mode, &in);

	nlog = 0;
	writes = 0;
	if (st != X86_DECODE_OK) {
		printf("FAIL: decode %s\n", x86_decode_status_name(st));
		failures++;
		return -1;
	}
	return x86_emulate(&in, regs, &ops, max_rep);
}

static void mode16(void)
{
	struct x86_regs r = {.mode = X86_MODE_16};

	/* mov ax, [bp+si+0x10]: wraps at 64 KiB, defaults to ss. */
	r.gpr[X86_RBP] = 0xfff0;
	r.gpr[X86_RSI] = 0x0030;
	r.gpr[X86_RAX] = 0x12345678;
	r.seg_base[X86_SEG_SS] = 0x20000;
	memcpy(&mem[0x20030], "\xcd\xab", 2);
	CHECK(run((const uint8_t *)"\x8b\x42\x10", 3, &r, 0) == 0, "mov ax, [bp+si+0x10]");
	CHECK(log_[0].linear == 0x20030 && log_[0].size == 2, "read at %#llx size %u",
	      (unsigned long long)log_[0].linear, log_[0].size);
	CHECK(r.gpr[X86_RAX] == 0x1234abcd, "ax written, upper half kept: %#llx", (unsigned long long)r.gpr[X86_RAX]);
	CHECK(r.rip == 3, "rip %llu", (unsigned long long)r.rip);

	/* mov [es:bx+di], eax with 66: a 32-bit store in 16-bit mode. */
	r.gpr[X86_RBX] = 0x100;
	r.gpr[X86_RDI] = 0x20;
	r.seg_base[X86_SEG_ES] = 0x30000;
	CHECK(run((const uint8_t *)"\x26\x66\x89\x01", 4, &r, 0) == 0, "mov es:[bx+di], eax");
	CHECK(log_[0].write && log_[0].linear == 0x30120 && log_[0].size == 4 && log_[0].value == 0x1234abcd,
	      "write %#llx size %u", (unsigned long long)log_[0].linear, log_[0].size);

	/* rep stosb across the 64 KiB wrap of di: cx and di update in 16 bits. */
	r.gpr[X86_RCX] = 0xabcd0003;
	r.gpr[X86_RDI] = 0x5555fffe;
	r.rflags = 0x2;
	r.seg_base[X86_SEG_ES] = 0x40000;
	CHECK(run((const uint8_t *)"\xf3\xaa", 2, &r, 0) == 0, "rep stosb");
	CHECK(nlog == 3 && log_[0].linear == 0x4fffe && log_[1].linear == 0x4ffff && log_[2].linear == 0x40000,
	      "stosb addresses");
	CHECK(r.gpr[X86_RCX] == 0xabcd0000 && r.gpr[X86_RDI] == 0x55550001, "cx %#llx di %#llx",
	      (unsigned long long)r.gpr[X86_RCX], (unsigned long long)r.gpr[X86_RDI]);

	/* 67 in 16-bit mode: 32-bit addressing, [eax+ecx*4]. */
	r.gpr[X86_RAX] = 0x1000;
	r.gpr[X86_RCX] = 0x10;
	r.seg_base[X86_SEG_DS] = 0;
	CHECK(run((const uint8_t *)"\x67\x8a\x14\x88", 4, &r, 0) == 0, "mov dl, [eax+ecx*4]");
	CHECK(log_[0].linear == 0x1040 && log_[0].size == 1, "read at %#llx", (unsigned long long)log_[0].linear);
}

static void mode32(void)
{
	struct x86_regs r = {.mode = X86_MODE_32, .rip = 0x1000};

	/* [eax+0x80000000] wraps at 4 GiB. */
	r.gpr[X86_RAX] = 0x90000000;
	CHECK(run((const uint8_t *)"\x8b\x80\x00\x00\x00\x80", 6, &r, 0) == 0, "mov eax, [eax+0x80000000]");
	CHECK(log_[0].linear == 0x10000000, "read at %#llx", (unsigned long long)log_[0].linear);

	/* 67 in 32-bit mode: 16-bit addressing [bx+si]. */
	r.gpr[X86_RBX] = 0x1ffff;
	r.gpr[X86_RSI] = 0x2;
	r.seg_base[X86_SEG_DS] = 0x500;
	CHECK(run((const uint8_t *)"\x67\x8b\x00", 3, &r, 0) == 0, "mov eax, [bx+si]");
	CHECK(log_[0].linear == 0x501, "read at %#llx", (unsigned long long)log_[0].linear);

	/* Segment base plus offset wraps at 4 GiB too; ss for [esp]. */
	r.gpr[X86_RSP] = 0x100;
	r.seg_base[X86_SEG_SS] = 0xffffff00;
	CHECK(run((const uint8_t *)"\x8b\x04\x24", 3, &r, 0) == 0, "mov eax, [esp]");
	CHECK(log_[0].linear == 0, "read at %#llx", (unsigned long long)log_[0].linear);

	/* 63 is arpl outside long mode: not ours. */
	struct x86_instr in;
	CHECK(x86_decode((const uint8_t *)"\x63\x00", 2, X86_MODE_32, &in) == X86_DECODE_UNSUPPORTED, "arpl");
}

static void mode64(void)
{
	struct x86_regs r = {.mode = X86_MODE_64, .rip = 0x1000};
	struct x86_instr in;

	/* RIP-relative counts from the next instruction. */
	CHECK(run((const uint8_t *)"\x8b\x05\x10\x00\x00\x00", 6, &r, 0) == 0, "mov eax, [rip+0x10]");
	CHECK(log_[0].linear == 0x1016, "read at %#llx", (unsigned long long)log_[0].linear);
	/* With 67 it is eip-relative: the sum wraps at 32 bits. */
	r.rip = 0x00000001fffffff0ull;
	CHECK(run((const uint8_t *)"\x67\x8b\x05\x10\x00\x00\x00", 7, &r, 0) == 0, "mov eax, [eip+0x10]");
	CHECK(log_[0].linear == 0x7, "read at %#llx", (unsigned long long)log_[0].linear);

	/* A REX followed by a legacy prefix is ignored. */
	CHECK(x86_decode((const uint8_t *)"\x48\x66\x8b\x00", 4, X86_MODE_64, &in) == X86_DECODE_OK &&
	          in.op_size == 2 && in.rex == 0,
	      "48 66 8b 00 is a 16-bit mov");
	/* fs/gs bases apply; es/cs/ss/ds prefixes do not override them. */
	r.gpr[X86_RAX] = 0x10;
	r.seg_base[X86_SEG_GS] = 0x7000;
	r.seg_base[X86_SEG_DS] = 0x9999; /* ignored in long mode */
	CHECK(run((const uint8_t *)"\x65\x2e\x8b\x00", 4, &r, 0) == 0, "mov eax, gs:[rax]");
	CHECK(log_[0].linear == 0x7010, "read at %#llx", (unsigned long long)log_[0].linear);

	/* Non-canonical: #GP, or #SS through rsp/rbp; nothing changes. */
	r.gpr[X86_RAX] = 0x0000800000000000ull;
	r.gpr[X86_RSP] = 0x0000800000000000ull;
	uint64_t rip = r.rip;
	CHECK(run((const uint8_t *)"\x8b\x00", 2, &r, 0) == X86_EMU_GP, "non-canonical rax");
	CHECK(run((const uint8_t *)"\x8b\x04\x24", 3, &r, 0) == X86_EMU_SS, "non-canonical rsp");
	CHECK(r.rip == rip, "rip unchanged after a fault");

	/* bt with a negative register offset addresses below the operand. */
	r.gpr[X86_RAX] = 0x2000;
	r.gpr[X86_RCX] = 0xffffffff; /* ecx = -1: bit 31 of the dword at -4 */
	r.rflags = 0x2;
	memcpy(&mem[0x1ffc], "\x00\x00\x00\x80", 4);
	CHECK(run((const uint8_t *)"\x0f\xa3\x08", 3, &r, 0) == 0, "bt [rax], ecx");
	CHECK(log_[0].linear == 0x1ffc && log_[0].size == 4 && (r.rflags & X86_FLAG_CF), "bt read %#llx cf %d",
	      (unsigned long long)log_[0].linear, (int)(r.rflags & 1));
}

static void rep_contract(void)
{
	struct x86_regs r = {.mode = X86_MODE_64, .rip = 0x1000, .rflags = 0x2};

	/* A budget of 4 leaves rcx = 6 and rip on the instruction. */
	r.gpr[X86_RCX] = 10;
	r.gpr[X86_RSI] = 0x100;
	r.gpr[X86_RDI] = 0x200;
	CHECK(run((const uint8_t *)"\xf3\xa4", 2, &r, 4) == 0, "rep movsb, budget 4");
	CHECK(r.gpr[X86_RCX] == 6 && r.gpr[X86_RSI] == 0x104 && r.gpr[X86_RDI] == 0x204 && r.rip == 0x1000,
	      "rcx %llu rip %#llx", (unsigned long long)r.gpr[X86_RCX], (unsigned long long)r.rip);
	/* A fault on the third write: two iterations stay done, the error is returned. */
	fail_at_write = 2;
	r.rflags |= X86_FLAG_DF;
	CHECK(run((const uint8_t *)"\xf3\x48\xab", 3, &r, 0) == -14, "rep stosq faulting");
	fail_at_write = ~0u;
	CHECK(r.gpr[X86_RCX] == 4 && r.gpr[X86_RDI] == 0x204 - 16 && r.rip == 0x1000, "rcx %llu rdi %#llx",
	      (unsigned long long)r.gpr[X86_RCX], (unsigned long long)r.gpr[X86_RDI]);
	/* rcx = 0: nothing happens but rip moves on. */
	r.gpr[X86_RCX] = 0;
	CHECK(run((const uint8_t *)"\xf3\xa4", 2, &r, 0) == 0 && nlog == 0 && r.rip == 0x1002, "rep with rcx 0");
	/* An instruction decoded for another mode is refused. */
	struct x86_instr in;
	x86_decode((const uint8_t *)"\x8b\x00", 2, X86_MODE_32, &in);
	CHECK(x86_emulate(&in, &r, &ops, 0) == X86_EMU_UD, "mode mismatch");
}

static void decode_statuses(void)
{
	struct x86_instr in;
	uint8_t prefixes[16];

	memset(prefixes, 0x66, sizeof(prefixes));
	CHECK(x86_decode((const uint8_t *)"\x8b", 1, X86_MODE_64, &in) == X86_DECODE_TRUNCATED, "truncated");
	CHECK(x86_decode(prefixes, sizeof(prefixes), X86_MODE_64, &in) == X86_DECODE_TOO_LONG, "16 prefixes");
	CHECK(x86_decode((const uint8_t *)"\xf0\x8b\x00", 3, X86_MODE_64, &in) == X86_DECODE_INVALID, "lock mov");
	CHECK(x86_decode((const uint8_t *)"\xf0\x01\xc0", 3, X86_MODE_64, &in) == X86_DECODE_INVALID, "lock reg");
	CHECK(x86_decode((const uint8_t *)"\xf0\x01\x00", 3, X86_MODE_64, &in) == X86_DECODE_OK, "lock add mem");
	CHECK(x86_decode((const uint8_t *)"\xff\x00", 2, X86_MODE_64, &in) == X86_DECODE_UNSUPPORTED, "inc");
	CHECK(x86_decode((const uint8_t *)"\x82\x00\x01", 3, X86_MODE_64, &in) == X86_DECODE_INVALID, "82 in 64");
	CHECK(x86_decode((const uint8_t *)"\x82\x00\x01", 3, X86_MODE_32, &in) == X86_DECODE_OK, "82 in 32");
}

int main(void)
{
	mode16();
	mode32();
	mode64();
	rep_contract();
	decode_statuses();
	printf("emulate_cases: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
