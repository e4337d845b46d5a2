/* The hosted kernel's executable: macrohard [options] [kernel cmdline]. */
#include "../hosted.h"

int main(int argc, char **argv)
{
	static char cmdline[4096];

	if (!hosted_parse_args(argc, argv, cmdline, sizeof(cmdline)))
		return 2;
	hosted_boot();
}
