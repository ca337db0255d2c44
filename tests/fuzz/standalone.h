/*
 * standalone.h — with -DFUZZ_STANDALONE, a main() that replays the files
 * named on the command line through LLVMFuzzerTestOneInput (a crash found
 * by `make fuzz`, under gdb or a plain sanitizer build).  Included last by
 * a fuzz target.
 */
#ifdef FUZZ_STANDALONE
#include <stdio.h>

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t buf[1 << 22];
		size_t n;

		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
