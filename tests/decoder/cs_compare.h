/* The capstone differential check shared by the corpus test and the libFuzzer
 * harness: decode one byte string with hv/x86 and with capstone and say
 * whether they agree. */
#ifndef TESTS_DECODER_CS_COMPARE_H
#define TESTS_DECODER_CS_COMPARE_H
#include <hv/x86/insn.h>
#include <stddef.h>
#include <stdint.h>

enum cs_verdict {
	CS_AGREE_ACCEPT,   /* both decoded it, same length, class and operands */
	CS_AGREE_REJECT,   /* ours rejected it and capstone did not decode a supported form */
	CS_CAPSTONE_KNOWN, /* a known capstone deviation from the CPU (enum cs_quirk), rest agrees */
	CS_DISAGREE,
	CS_VERDICT_COUNT,
};

/* Where capstone 4.0.2 differs from the CPU; each is checked on the host CPU
 * by tests/decoder/exec_diff.c or documented in docs/decoder.md. */
enum cs_quirk {
	CS_QUIRK_LOCK,   /* accepts lock on a form where the CPU raises #UD */
	CS_QUIRK_LONG,   /* accepts instructions longer than 15 bytes */
	CS_QUIRK_SEG64,  /* long mode: shows an ignored es/cs/ss/ds prefix instead of an earlier fs/gs */
	CS_QUIRK_MOVSXD, /* movsxd without REX.W: shows reg64, r/m32 (the CPU does r32, r/m32 or with 66 r16, r/m16) */
	CS_QUIRK_OPSIZE_REP, /* 66 with f2/f3: sizes memory operands as if 66 were absent, or fails on a0-a3 */
	CS_QUIRK_COUNT,
};
extern const char *const cs_quirk_names[CS_QUIRK_COUNT];

struct cs_oracle; /* three capstone handles (16/32/64-bit) */

struct cs_oracle *cs_oracle_open(void);
void cs_oracle_close(struct cs_oracle *o);

/* Compares the decodings of bytes[0..n) in `mode`. `why` (may be NULL)
 * receives a one-line explanation for CS_CAPSTONE_KNOWN and CS_DISAGREE. */
enum cs_verdict cs_compare(struct cs_oracle *o, const uint8_t *bytes, size_t n, enum x86_cpu_mode mode, char *why,
                           size_t why_len);
/* The quirk behind the last CS_CAPSTONE_KNOWN verdict. */
enum cs_quirk cs_last_quirk(const struct cs_oracle *o);

/* Formats bytes as hex into buf. */
void cs_hex(const uint8_t *bytes, size_t n, char *buf, size_t len);

#endif
