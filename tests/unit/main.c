/* Runs every registered Check suite (unit.h); exit status 0 only if all
 * pass. UNIT_ONLY=name runs just the suite of that name. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUITES 64

static Suite *(*makers[MAX_SUITES])(void);
static unsigned nmakers;

void unit_register_suite(Suite *(*make)(void))
{
	if (nmakers == MAX_SUITES) {
		fprintf(stderr, "unit: more than %d suites\n", MAX_SUITES);
		exit(EXIT_FAILURE);
	}
	makers[nmakers++] = make;
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	const char *only = getenv("UNIT_ONLY");
	int failed;

	for (unsigned i = 0; i < nmakers; i++) {
		Suite *s = makers[i]();

		srunner_add_suite(sr, s);
	}
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run(sr, only, NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
