/*
 * standalone.h — with -DFUZZ_STANDALONE, a main() for a fuzz target built
 * by any C compiler (gcc, with or without sanitizers), so the suite runs
 * every target without clang's libFuzzer.  Included last by a target.
 *
 *   fuzz_x FILE...                  each file through LLVMFuzzerTestOneInput
 *                                   once (a crash `make fuzz` found, under
 *                                   gdb or a sanitizer build)
 *   fuzz_x --runs N [--trace] FILE...
 *                                   each file, then N mutants of it
 *                                   (tests/integration/fuzz_replay.sh)
 *   fuzz_x --mutant K:I --out PATH FILE...
 *                                   writes mutant I of the K-th FILE (from
 *                                   0) to PATH, runs nothing: the input of
 *                                   a failure, to keep
 *
 * The mutants are not coverage-guided: they are libFuzzer's cheap
 * mutations (flip, replace, insert, erase, duplicate, truncate, splice
 * with another file, "interesting" bytes and integers), stacked 1 to 8
 * deep.  Deterministic: mutant I of a file depends only on the file's
 * bytes, I and the files named (a splice takes from them), so a failure
 * is found again by the same command.  --trace names each input on stderr
 * before running it: the last line printed names the one that failed.
 */
#ifdef FUZZ_STANDALONE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FZ_FILE_MAX	(1u << 22)	/* a larger file is refused */
#define FZ_MUTANT_MIN	4096u		/* a mutant may grow to this, */
#define FZ_MUTANT_GROW	256u		/* or its seed's length plus this */
#define FZ_DEPTH	8		/* mutations stacked, at most */

struct fz_input {
	const char	*name;
	uint8_t		*data;
	size_t		 len;
};

static uint64_t
fz_mix(uint64_t x)			/* splitmix64's finaliser */
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
fz_next(uint64_t *s)
{
	*s = fz_mix(*s);
	return *s;
}

/* A number in [0, n), n > 0. */
static size_t
fz_below(uint64_t *s, size_t n)
{
	return (size_t)(fz_next(s) % n);
}

static uint64_t
fz_hash(const uint8_t *p, size_t n)	/* FNV-1a */
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* Bytes that change how our parsers read: JSON, Mustache, the manifest's
 * and the logs' separators, digits, signs, and the edges of a byte. */
static const uint8_t fz_bytes[] = "{}[]\":,\\\n\t 09-.+eE<>#^/&%{!=>$|";
static const uint64_t fz_ints[] = {
	0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
};

static uint8_t
fz_byte(uint64_t *s)
{
	switch (fz_below(s, 3)) {
	case 0:
		return (uint8_t)fz_next(s);
	case 1:
		return fz_bytes[fz_below(s, sizeof(fz_bytes) - 1)];
	default:
		return (uint8_t)"\x00\x01\x7f\x80\xff"[fz_below(s, 5)];
	}
}

/* Room for n more bytes at off (off <= *len); returns how many fit. */
static size_t
fz_open(uint8_t *b, size_t *len, size_t cap, size_t off, size_t n)
{
	if (n > cap - *len)
		n = cap - *len;
	memmove(b + off + n, b + off, *len - off);
	*len += n;
	return n;
}

/* One mutation of b[0..*len) in place, within cap bytes. */
static void
fz_mutate_once(uint64_t *s, uint8_t *b, size_t *len, size_t cap,
    const struct fz_input *donor)
{
	size_t off, n, i, at;
	uint64_t v;

	if (*len == 0) {
		(void)fz_open(b, len, cap, 0, 1 + fz_below(s, 8));
		for (i = 0; i < *len; i++)
			b[i] = fz_byte(s);
		return;
	}
	off = fz_below(s, *len);
	switch (fz_below(s, 10)) {
	case 0:					/* flip a bit */
		b[off] ^= (uint8_t)(1u << fz_below(s, 8));
		break;
	case 1:					/* replace a byte */
		b[off] = fz_byte(s);
		break;
	case 2:					/* insert 1 to 8 bytes */
		n = fz_open(b, len, cap, off, 1 + fz_below(s, 8));
		for (i = 0; i < n; i++)
			b[off + i] = fz_byte(s);
		break;
	case 3:					/* erase a range */
		n = 1 + fz_below(s, *len - off < 64 ? *len - off : 64);
		memmove(b + off, b + off + n, *len - off - n);
		*len -= n;
		break;
	case 4:					/* duplicate a range */
		n = 1 + fz_below(s, *len - off < 256 ? *len - off : 256);
		at = fz_below(s, *len + 1);
		if (at <= off) {
			n = fz_open(b, len, cap, at, n);
			memmove(b + at, b + off + n, n);
		} else {
			uint8_t tmp[256];

			memcpy(tmp, b + off, n);
			n = fz_open(b, len, cap, at, n);
			memcpy(b + at, tmp, n);
		}
		break;
	case 5:					/* truncate */
		*len = off;
		break;
	case 6:					/* copy a range over another */
		n = 1 + fz_below(s, *len - off);
		at = fz_below(s, *len - n + 1);
		memmove(b + at, b + off, n);
		break;
	case 7:					/* splice another file in */
		if (donor != NULL && donor->len > 0) {
			size_t from = fz_below(s, donor->len);

			n = 1 + fz_below(s, donor->len - from);
			if (fz_below(s, 2) == 0)
				*len = off;	/* its tail replaces ours */
			n = fz_open(b, len, cap, off, n);
			memcpy(b + off, donor->data + from, n);
		}
		break;
	default:				/* an interesting integer */
		v = fz_ints[fz_below(s, sizeof(fz_ints) / sizeof(fz_ints[0]))];
		if (fz_below(s, 2) == 0)
			v = 0 - v;
		n = (size_t)1 << fz_below(s, 4);	/* 1, 2, 4 or 8 bytes */
		if (n > *len - off)
			n = *len - off;
		for (i = 0; i < n; i++)		/* little end first */
			b[off + i] = (uint8_t)(v >> (8 * i));
		if (fz_below(s, 2) == 0)	/* or as decimal text */
			for (i = 0, v %= 1000000; i < n; i++, v /= 10)
				b[off + n - 1 - i] = (uint8_t)('0' + v % 10);
		break;
	}
}

/* How long a mutant of in may grow. */
static size_t
fz_cap(const struct fz_input *in)
{
	return in->len + FZ_MUTANT_GROW > FZ_MUTANT_MIN ?
	    in->len + FZ_MUTANT_GROW : FZ_MUTANT_MIN;
}

/* Mutant `iter` of in[k] into b (fz_cap(&in[k]) bytes); returns its length. */
static size_t
fz_mutant(const struct fz_input *in, size_t nin, size_t k, unsigned long iter,
    uint8_t *b)
{
	uint64_t s = fz_hash(in[k].data, in[k].len) ^ fz_mix(iter);
	size_t len = in[k].len, cap = fz_cap(&in[k]), depth, d;
	const struct fz_input *donor = NULL;

	memcpy(b, in[k].data, len);
	if (nin > 1)
		donor = &in[(k + 1 + fz_below(&s, nin - 1)) % nin];
	depth = 1 + fz_below(&s, FZ_DEPTH);
	for (d = 0; d < depth; d++)
		fz_mutate_once(&s, b, &len, cap, donor);
	return len;
}

static int
fz_read(const char *path, struct fz_input *in)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	in->name = path;
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > FZ_FILE_MAX) {
		fprintf(stderr, "%s: larger than %u bytes\n", path, FZ_FILE_MAX);
		fclose(f);
		return -1;
	}
	/* Exactly the file's bytes (as libFuzzer gives them): a target that
	 * reads past its input reads past the allocation, which ASan sees. */
	in->len = (size_t)st.st_size;
	if ((in->data = malloc(in->len ? in->len : 1)) == NULL ||
	    fread(in->data, 1, in->len, f) != in->len) {
		perror(path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* A mutant through the target in a block of exactly its size, like the
 * inputs (fz_read): the mutation buffer is larger than any mutant. */
static void
fz_one(const uint8_t *b, size_t len)
{
	uint8_t *exact = malloc(len ? len : 1);

	if (exact == NULL)
		abort();
	memcpy(exact, b, len);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
}

static int
fz_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--runs N [--trace] | --mutant K:I --out PATH] FILE...\n", prog);
	return 2;
}

/* Each input, then `runs` mutants of it, through the target. */
static void
fz_run(const struct fz_input *in, size_t nin, unsigned long runs, int trace, uint8_t *b)
{
	unsigned long iter;
	size_t k, len;

	for (k = 0; k < nin; k++) {
		if (trace)
			fprintf(stderr, "%s\n", in[k].name);
		LLVMFuzzerTestOneInput(in[k].data, in[k].len);
		for (iter = 0; iter < runs; iter++) {
			len = fz_mutant(in, nin, k, iter, b);
			if (trace)
				fprintf(stderr, "%s (--mutant %zu:%lu)\n", in[k].name, k, iter);
			fz_one(b, len);
		}
	}
}

static int
fz_write(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	unsigned long runs = 0, mutant = 0, mk = 0;
	const char *out = NULL;
	struct fz_input *in;
	int i, trace = 0, one = 0, rc = 0;
	size_t nin = 0, k, cap = 0;
	uint8_t *b;
	char *end;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--trace") == 0)
			trace = 1;
		else if (i + 1 < argc && strcmp(argv[i], "--runs") == 0) {
			runs = strtoul(argv[++i], &end, 10);
			if (*end != '\0')
				return fz_usage(argv[0]);
		} else if (i + 1 < argc && strcmp(argv[i], "--mutant") == 0) {
			mk = strtoul(argv[++i], &end, 10);
			if (*end != ':')
				return fz_usage(argv[0]);
			mutant = strtoul(end + 1, &end, 10);
			if (*end != '\0')
				return fz_usage(argv[0]);
			one = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--out") == 0)
			out = argv[++i];
		else
			return fz_usage(argv[0]);
	}
	if (i >= argc || (one && (out == NULL || mk >= (unsigned long)(argc - i))))
		return fz_usage(argv[0]);
	if ((in = calloc((unsigned)(argc - i), sizeof(*in))) == NULL)
		return 1;
	for (; i < argc && rc == 0; i++)
		rc = fz_read(argv[i], &in[nin++]);
	for (k = 0; k < nin; k++)
		if (fz_cap(&in[k]) > cap)
			cap = fz_cap(&in[k]);
	if (rc == 0 && (b = malloc(cap)) != NULL) {
		if (one)
			rc = fz_write(out, b, fz_mutant(in, nin, mk, mutant, b));
		else
			fz_run(in, nin, runs, trace, b);
		free(b);
	} else
		rc = 1;
	for (k = 0; k < nin; k++)
		free(in[k].data);
	free(in);
	return rc;
}
#endif
