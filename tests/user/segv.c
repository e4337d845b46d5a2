/* Writes to read-only memory: the kernel must kill it with SIGSEGV. */
#include <sys/mman.h>

int main(void)
{
	volatile char *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	return 0;
}
