/* Check suites register themselves: each test file says UNIT_SUITE(fn) and
 * main.c runs every registered suite, so adding a file needs no edit
 * elsewhere. */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H
#include <check.h>

void unit_register_suite(Suite *(*make)(void));

#define UNIT_SUITE(fn)                                                                                                 \
	Suite *fn(void);                                                                                               \
	__attribute__((constructor)) static void unit_register_##fn(void)                                              \
	{                                                                                                              \
		unit_register_suite(fn);                                                                               \
	}
#endif
