/*
 * test_core_keys.c — the one keys-file parser (core/keys.c) that the
 * verifier, onlytoken and `onlygen build --keys` share: a name given twice
 * (the last wins), the file's mode, symlinks and other non-files refused,
 * the caps, and the weak-key checks for serving and for signing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "keys.h"

#define STRONG1	"0123456789abcdef0123456789abcdef"
#define STRONG2	"fedcba9876543210fedcba9876543210"

/* Writes text to path with mode; 0 or -1. */
static int
put(const char *path, const char *text, size_t n, mode_t mode)
{
	int fd;
	ssize_t w;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return -1;
	w = write(fd, text, n);
	if (close(fd) != 0 || w != (ssize_t)n || chmod(path, mode) != 0)
		return -1;
	return 0;
}

static int
put_str(const char *path, const char *text, mode_t mode)
{
	return put(path, text, strlen(text), mode);
}

int
main(void)
{
	char dir[] = "/tmp/onlycorekeysXXXXXX", path[128], link_path[128], err[400];
	char big[KEYS_FILE_MAX + 64], line[KEY_MAX + 32];
	struct keys k;
	size_t i;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp");
		return check_report();
	}
	snprintf(path, sizeof(path), "%s/verifier.keys", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.keys", dir);

	/* duplicates: the last line wins, for every name */
	put_str(path, "SECRET_KEY=first-secret-value-1\nBUNNY_TOKEN_KEY=first-bunny-value-1\n"
	    "BUNNY_WEBHOOK_KEY=first-hook\nBUNNY_LIBRARY_ID=1\nCODE_PREFIX=AA\n"
	    "COOKIE_SECURE=0\nDEMO=1\n"
	    "SECRET_KEY=" STRONG1 "\nBUNNY_TOKEN_KEY=" STRONG2 "\nBUNNY_WEBHOOK_KEY=hook2\n"
	    "BUNNY_LIBRARY_ID=22\nCODE_PREFIX=BB\nCOOKIE_SECURE=1\nDEMO=0\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0, "keys with duplicates load (%s)", err);
	CHECK(strcmp(k.secret, STRONG1) == 0 && k.secret_len == strlen(STRONG1),
	    "SECRET_KEY twice: the last wins");
	CHECK(strcmp(k.bunny, STRONG2) == 0 && k.bunny_len == strlen(STRONG2),
	    "BUNNY_TOKEN_KEY twice: the last wins");
	CHECK(strcmp(k.webhook, "hook2") == 0 && k.webhook_len == 5,
	    "BUNNY_WEBHOOK_KEY twice: the last wins");
	CHECK(k.library_id == 22, "BUNNY_LIBRARY_ID twice: the last wins");
	CHECK(strcmp(k.prefix, "BB") == 0, "CODE_PREFIX twice: the last wins");
	CHECK(k.cookie_secure == 1 && k.demo == 0, "flags twice: the last wins");
	keys_wipe(&k);
	put_str(path, "BUNNY_TOKEN_KEY=" STRONG2 "\nBUNNY_TOKEN_KEY=changeme\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 &&
	    keys_check_sign(&k, err, sizeof(err)) == -1 && strstr(err, "BUNNY_TOKEN_KEY"),
	    "a weak key after a strong one is the one judged (and refused)");
	keys_wipe(&k);

	/* mode */
	put_str(path, "SECRET_KEY=" STRONG1 "\nBUNNY_TOKEN_KEY=" STRONG2 "\n", 0644);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && strstr(err, "chmod 600"),
	    "mode 0644 refused: others can read it (%s)", err);
	chmod(path, 0602);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1, "mode 0602 refused: others can write it");
	chmod(path, 0640);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0, "mode 0640 loads (lighttpd's group)");
	chmod(path, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && k.secret_len == strlen(STRONG1),
	    "mode 0600 loads");
	keys_wipe(&k);

	/* symlinks and other non-files */
	CHECK(symlink(path, link_path) == 0, "symlink made");
	CHECK(keys_load(link_path, &k, err, sizeof(err)) == -1,
	    "a symbolic link to a good keys file is refused (%s)", err);
	CHECK(keys_load(dir, &k, err, sizeof(err)) == -1 && strstr(err, "regular"),
	    "a directory is refused");
	CHECK(keys_load("/dev/null", &k, err, sizeof(err)) == -1, "a device is refused");
	snprintf(big, sizeof(big), "%s/missing", dir);
	CHECK(keys_load(big, &k, err, sizeof(err)) == -1 && strstr(err, "SECRET_KEY"),
	    "a missing file: the message says what to create");

	/* caps */
	memset(big, '#', sizeof(big));
	big[KEYS_FILE_MAX] = '\n';
	put(path, big, KEYS_FILE_MAX + 1, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1,
	    "a file over KEYS_FILE_MAX (%d) bytes is refused", KEYS_FILE_MAX);
	big[KEYS_FILE_MAX - 1] = '\n';
	put(path, big, KEYS_FILE_MAX, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0, "KEYS_FILE_MAX bytes of comments load");
	i = (size_t)snprintf(line, sizeof(line), "SECRET_KEY=");
	memset(line + i, 'k', KEY_MAX);
	line[i + KEY_MAX] = '\n';
	put(path, line, i + KEY_MAX + 1, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && k.secret_len == KEY_MAX,
	    "a value of KEY_MAX (%d) bytes loads", KEY_MAX);
	line[i + KEY_MAX] = 'k';
	line[i + KEY_MAX + 1] = '\n';
	put(path, line, i + KEY_MAX + 2, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && k.secret_len == 0,
	    "a value of KEY_MAX + 1 bytes is refused, and nothing is kept");
	put(path, "SECRET_KEY=a\0b\n", 15, 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == -1 && strstr(err, "NUL"),
	    "a NUL byte is refused");
	put_str(path, "SECRET_KEY=" STRONG1 "\r\nBUNNY_TOKEN_KEY= " STRONG2 "\r\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && k.secret_len == strlen(STRONG1) &&
	    k.bunny_len == strlen(STRONG2) + 1 && k.bunny[0] == ' ',
	    "CR LF: the CR is dropped; nothing else is trimmed");
	keys_wipe(&k);

	/* signing (onlygen build --keys) */
	put_str(path, "SECRET_KEY=x\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && keys_check_sign(&k, err, sizeof(err)) == 0 &&
	    k.bunny_len == 0, "no BUNNY_TOKEN_KEY: the build may run (unsigned fetches)");
	put_str(path, "BUNNY_TOKEN_KEY=short\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && keys_check_sign(&k, err, sizeof(err)) == -1,
	    "a short BUNNY_TOKEN_KEY is refused for signing");
	put_str(path, "BUNNY_TOKEN_KEY=" DEMO_BUNNY_TOKEN_KEY "\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && keys_check_sign(&k, err, sizeof(err)) == -1,
	    "the demo's BUNNY_TOKEN_KEY is refused without DEMO=1");
	put_str(path, "BUNNY_TOKEN_KEY=" DEMO_BUNNY_TOKEN_KEY "\nDEMO=1\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && keys_check_sign(&k, err, sizeof(err)) == 0,
	    "the demo's BUNNY_TOKEN_KEY signs with DEMO=1");
	put_str(path, "BUNNY_TOKEN_KEY=" STRONG2 "\n", 0600);
	CHECK(keys_load(path, &k, err, sizeof(err)) == 0 && keys_check_sign(&k, err, sizeof(err)) == 0,
	    "a strong BUNNY_TOKEN_KEY signs");
	keys_wipe(&k);
	for (i = 0; i < sizeof(k) && ((unsigned char *)&k)[i] == 0; i++)
		;
	CHECK(i == sizeof(k), "keys_wipe leaves no byte of the secrets");

	unlink(link_path);
	unlink(path);
	rmdir(dir);
	return check_report();
}
