/* Helpers the compiler may call instead of inlining (the kernel links no
 * libgcc: its objects are built with the red zone and SSE). */
#include <kern/types.h>

int __popcountdi2(unsigned long x);
int __popcountsi2(unsigned int x);

int __popcountdi2(unsigned long x)
{
	x = x - ((x >> 1) & 0x5555555555555555UL);
	x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (int)((x * 0x0101010101010101UL) >> 56);
}

int __popcountsi2(unsigned int x)
{
	return __popcountdi2(x);
}
