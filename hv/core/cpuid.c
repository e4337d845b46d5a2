/* The guest CPUID policy (include/hv/cpuid.h). A fixed baseline rather
 * than the host's: a guest sees the same CPU on every host and backend, and
 * only features the VM implements or every x86-64 host has (up to
 * SSE4.2/POPCNT) are listed. No VMX/SVM, no x2APIC, no XSAVE/AVX, no PMU;
 * the hypervisor bit and leaf 0x40000000 identify MACROHARD. */
#include <hv/cpuid.h>
#include <hv/hypercall.h>
#include <kern/string.h>

#define BASIC_MAX 0xb
#define EXT_MAX   0x80000008u
#define SIG_FMS   0x000306a9u /* family 6, model 0x3a, stepping 9 */
/* The timing leaf VMware defined and others follow: eax TSC kHz, ebx bus kHz. */
#define HV_CPUID_TIMING_LEAF 0x40000010u

/* Leaf 1 edx */
#define F_FPU   (1u << 0)
#define F_VME   (1u << 1)
#define F_DE    (1u << 2)
#define F_PSE   (1u << 3)
#define F_TSC   (1u << 4)
#define F_MSR   (1u << 5)
#define F_PAE   (1u << 6)
#define F_CX8   (1u << 8)
#define F_APIC  (1u << 9)
#define F_SEP   (1u << 11)
#define F_MTRR  (1u << 12)
#define F_PGE   (1u << 13)
#define F_CMOV  (1u << 15)
#define F_PAT   (1u << 16)
#define F_PSE36 (1u << 17)
#define F_CLFSH (1u << 19)
#define F_MMX   (1u << 23)
#define F_FXSR  (1u << 24)
#define F_SSE   (1u << 25)
#define F_SSE2  (1u << 26)
#define F_HTT   (1u << 28)
/* Leaf 1 ecx */
#define F_SSE3         (1u << 0)
#define F_SSSE3        (1u << 9)
#define F_CX16         (1u << 13)
#define F_SSE41        (1u << 19)
#define F_SSE42        (1u << 20)
#define F_POPCNT       (1u << 23)
#define F_TSC_DEADLINE (1u << 24)
#define F_HYPERVISOR   (1u << 31)
/* Leaf 0x80000001 */
#define F_LAHF    (1u << 0)
#define F_SYSCALL (1u << 11)
#define F_NX      (1u << 20)
#define F_LM      (1u << 29)

static uint32_t str4(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
	       (uint32_t)(uint8_t)s[3] << 24;
}

struct builder {
	struct hv_cpuid_entry *out;
	unsigned n;
};

static void put(struct builder *b, uint32_t leaf, int subleaf, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	if (b->n == HV_CPUID_MAX_ENTRIES)
		return;
	b->out[b->n++] = (struct hv_cpuid_entry){
	    leaf, subleaf < 0 ? 0 : (uint32_t)subleaf, subleaf >= 0, eax, ebx, ecx, edx,
	};
}

/* Bits of an APIC ID the CPU number needs. */
static unsigned id_bits(unsigned ncpus)
{
	unsigned bits = 0;

	while ((1u << bits) < ncpus)
		bits++;
	return bits;
}

/* Deterministic cache parameters (leaf 4): type, level, ways, sets. */
static void put_cache(struct builder *b, unsigned sub, unsigned type, unsigned level, unsigned ways, unsigned sets,
                      unsigned ncpus)
{
	uint32_t eax = type | level << 5 | 1u << 8 /* self-initialising */ | (uint32_t)(ncpus - 1) << 26;

	put(b, 4, (int)sub, eax, 63u /* 64-byte lines */ | (uint32_t)(ways - 1) << 22, sets - 1, 0);
}

unsigned hv_cpuid_build(struct hv_cpuid_entry *out, unsigned ncpus, unsigned cpu, unsigned features)
{
	static const char brand[48] = "MACROHARD Virtual CPU";
	char sig[12] = HV_CPUID_SIGNATURE;
	struct builder b = {out, 0};
	uint32_t edx1, ecx1, ebx1;
	unsigned bits = id_bits(ncpus);

	put(&b, 0, -1, BASIC_MAX, str4("Genu"), str4("ntel"), str4("ineI"));
	edx1 = F_FPU | F_VME | F_DE | F_PSE | F_TSC | F_MSR | F_PAE | F_CX8 | F_APIC | F_SEP | F_MTRR | F_PGE | F_CMOV |
	       F_PAT | F_PSE36 | F_CLFSH | F_MMX | F_FXSR | F_SSE | F_SSE2 | (ncpus > 1 ? F_HTT : 0);
	ecx1 = F_SSE3 | F_SSSE3 | F_CX16 | F_SSE41 | F_SSE42 | F_POPCNT | F_HYPERVISOR;
	if (features & HV_CPUID_F_TSC_DEADLINE)
		ecx1 |= F_TSC_DEADLINE;
	/* clflush line 8 quadwords, logical CPUs per package, initial APIC ID */
	ebx1 = 8u << 8 | (uint32_t)(1u << bits) << 16 | (uint32_t)cpu << 24;
	put(&b, 1, -1, SIG_FMS, ebx1, ecx1, edx1);
	put_cache(&b, 0, 1, 1, 8, 64, ncpus);  /* L1d 32 KiB */
	put_cache(&b, 1, 2, 1, 8, 64, ncpus);  /* L1i 32 KiB */
	put_cache(&b, 2, 3, 2, 8, 512, ncpus); /* L2 256 KiB */
	put(&b, 4, 3, 0, 0, 0, 0);             /* no more caches */
	put(&b, 7, 0, 0, 0, 0, 0);             /* no structured extended features */
	/* Topology: one thread per core, every vCPU a core of one package. */
	put(&b, 0xb, 0, 0, 1, 0x100, cpu);
	put(&b, 0xb, 1, bits, ncpus, 0x201, cpu);
	put(&b, 0xb, 2, 0, 0, 2, cpu);

	put(&b, HV_CPUID_SIGNATURE_LEAF, -1, HV_CPUID_SIGNATURE_LEAF + 1, str4(sig), str4(sig + 4), str4(sig + 8));
	put(&b, HV_CPUID_SIGNATURE_LEAF + 1, -1, HV_HYPERCALL_VERSION, 0, 0, 0);

	put(&b, 0x80000000u, -1, EXT_MAX, 0, 0, 0);
	put(&b, 0x80000001u, -1, 0, 0, F_LAHF, F_SYSCALL | F_NX | F_LM);
	for (unsigned i = 0; i < 3; i++)
		put(&b, 0x80000002u + i, -1, str4(brand + 16 * i), str4(brand + 16 * i + 4), str4(brand + 16 * i + 8),
		    str4(brand + 16 * i + 12));
	put(&b, 0x80000006u, -1, 0, 0, 256u << 16 | 6u << 12 | 64u, 0); /* L2: 256 KiB, 8-way, 64 B */
	put(&b, 0x80000008u, -1, 39u | 48u << 8, 0, 0, 0);              /* 39 physical, 48 linear bits */
	return b.n;
}

/* n/d close to p/q with n <= nmax: the last continued-fraction
 * convergent within the bound, or the semiconvergent past it when that
 * is closer. */
static void best_ratio(uint64_t p, uint64_t q, uint64_t nmax, uint32_t *num, uint32_t *den)
{
	uint64_t h0 = 0, h1 = 1, k0 = 1, k1 = 0, pp = p, qq = q;

	while (qq) {
		uint64_t a = pp / qq, r = pp % qq, h2 = a * h1 + h0, k2 = a * k1 + k0;

		if (h2 > nmax || k2 > UINT32_MAX) {
			uint64_t t = h1 ? (nmax - h0) / h1 : a, hs, ks;

			t = MIN(t, a);
			hs = t * h1 + h0;
			ks = t * k1 + k0;
			if (t && k1 && ks <= UINT32_MAX) {
				uint64_t e1 = h1 * q > p * k1 ? h1 * q - p * k1 : p * k1 - h1 * q;
				uint64_t es = hs * q > p * ks ? hs * q - p * ks : p * ks - hs * q;

				if (es * k1 < e1 * ks) /* es / ks < e1 / k1 */
					h1 = hs, k1 = ks;
			}
			break;
		}
		h0 = h1, h1 = h2, k0 = k1, k1 = k2;
		pp = qq, qq = r;
	}
	*num = h1 ? (uint32_t)h1 : 1;
	*den = k1 ? (uint32_t)k1 : 1;
}

unsigned hv_cpuid_add_clocks(struct hv_cpuid_entry *t, unsigned n, uint32_t tsc_khz, uint32_t bus_khz)
{
	struct builder b = {t, n};
	uint32_t num, den;

	if (!tsc_khz || !bus_khz || bus_khz > UINT32_MAX / 1000)
		return n;
	for (unsigned i = 0; i < n; i++) {
		if (t[i].leaf == 0)
			t[i].eax = MAX(t[i].eax, 0x16u);
		if (t[i].leaf == HV_CPUID_SIGNATURE_LEAF)
			t[i].eax = MAX(t[i].eax, HV_CPUID_TIMING_LEAF);
	}
	/* Linux computes crystal kHz * numerator in 32 bits. */
	best_ratio(tsc_khz, bus_khz, UINT32_MAX / bus_khz, &num, &den);
	put(&b, 0x15, -1, den, num, bus_khz * 1000, 0);
	put(&b, 0x16, -1, tsc_khz / 1000, tsc_khz / 1000, bus_khz / 1000, 0);
	put(&b, HV_CPUID_TIMING_LEAF, -1, tsc_khz, bus_khz, 0, 0);
	return b.n;
}

void hv_cpuid_lookup(const struct hv_cpuid_entry *t, unsigned n, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(out[0]));
	for (unsigned i = 0; i < n; i++) {
		if (t[i].leaf != leaf || (t[i].subleaf_matters && t[i].subleaf != subleaf))
			continue;
		out[0] = t[i].eax;
		out[1] = t[i].ebx;
		out[2] = t[i].ecx;
		out[3] = t[i].edx;
		return;
	}
	/* Topology levels past the listed ones are invalid, but still echo
	 * the level number and the x2APIC ID, as hardware does. */
	if (leaf == 0xb)
		for (unsigned i = 0; i < n; i++)
			if (t[i].leaf == 0xb) {
				out[2] = subleaf & 0xff;
				out[3] = t[i].edx;
				return;
			}
}
