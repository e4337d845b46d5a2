#include <kern/cmdline.h>
#include <kern/log.h>
#include <kern/string.h>

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_WORDS 64

static char raw[CMDLINE_MAX];
static char buf[CMDLINE_MAX];
static const char *keys[CMDLINE_MAX_WORDS];
static const char *values[CMDLINE_MAX_WORDS];
static unsigned nwords;

void cmdline_parse(const char *cmdline)
{
	char *p;

	nwords = 0;
	if (!cmdline)
		cmdline = "";
	kstrlcpy(raw, cmdline, sizeof(raw));
	kstrlcpy(buf, cmdline, sizeof(buf));
	p = buf;
	while (*p && nwords < CMDLINE_MAX_WORDS) {
		char *eq;
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		keys[nwords] = p;
		values[nwords] = "";
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(keys[nwords], '=');
		if (eq) {
			*eq = '\0';
			values[nwords] = eq + 1;
		}
		nwords++;
	}
}

const char *cmdline_raw(void)
{
	return raw;
}

const char *cmdline_get(const char *key)
{
	/* The last occurrence wins, as on Linux. */
	for (unsigned i = nwords; i > 0; i--)
		if (strcmp(keys[i - 1], key) == 0)
			return values[i - 1];
	return NULL;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
	const char *v = cmdline_get(key);
	uint64_t out;

	if (!v)
		return def;
	if (!kstr_parse_u64(v, &out)) {
		pr_warn("cmdline: %s=%s is not a number; using %lu", key, v, (unsigned long)def);
		return def;
	}
	return out;
}
