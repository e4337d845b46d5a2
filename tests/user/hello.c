/* The first user program: checks its arguments, environment and auxiliary
 * vector, prints, and exits with 42 when everything was as expected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *who = getenv("WHO");
	unsigned long pagesz = getauxval(AT_PAGESZ);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);

	if (argc != 2 || strcmp(argv[1], "arg1") != 0)
		return 1;
	if (!who || strcmp(who, "macrohard") != 0)
		return 2;
	if (pagesz != 4096 || !rnd)
		return 3;
	if (getauxval(AT_ENTRY) == 0 || getauxval(AT_PHDR) == 0)
		return 4;
	printf("hello from user space, pid %d\n", getpid());
	fflush(stdout);
	return 42;
}
