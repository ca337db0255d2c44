/*
 * catalog_hash.c — each video's hash and change hash, and the catalog
 * digest over them (catalog_db.h, catalog_sql.h).
 *
 * A video's fields go into SHA-256 length-prefixed (8 bytes, big endian),
 * integers as their decimal text, so fields cannot run together.  The two
 * hashes of a pull are fed in one walk over the fields: each string is read
 * once while it is in the cache (a pull hashes 100 MB of text at 100 000
 * videos; reading it twice cost more than hashing it).
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "catalog_db.h"
#include "catalog_sql.h"

/* The two streams of one video: full (every field; NULL: not wanted) and
 * change (all but views, after a "change-v1" field; NULL: not wanted). */
struct feed {
	EVP_MD_CTX	*full, *change;
};

static void
put(const struct feed *f, const void *p, size_t n, int both)
{
	if (f->full != NULL)
		EVP_DigestUpdate(f->full, p, n);
	if (both && f->change != NULL)
		EVP_DigestUpdate(f->change, p, n);
}

/* A length-prefixed field into full, and into change when both. */
static void
field(const struct feed *f, const char *s, size_t n, int both)
{
	unsigned char len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	put(f, len, sizeof(len), both);
	put(f, s, n, both);
}

static void
str(const struct feed *f, const char *s)
{
	field(f, s, strlen(s), 1);
}

/* v as "%lld" prints it. */
static void
num(const struct feed *f, int64_t v, int both)
{
	char s[24], *p = s + sizeof(s);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	field(f, p, (size_t)(s + sizeof(s) - p), both);
}

/* Starts ctx on SHA-256: the first time from the algorithm, then again on
 * the one it holds (no fetch, no lock per video). */
static int
start(EVP_MD_CTX *ctx, int *fresh)
{
	if (*fresh) {
		*fresh = 0;
		return EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 ? 0 : -1;
	}
	return EVP_DigestInit_ex2(ctx, NULL, NULL) == 1 ? 0 : -1;
}

/*
 * v's hashes: full (every field: the catalog digest's part) and change
 * (every field but the view count, which moves with every play and is no
 * change of the video: the feed's and the sitemap's dates).  A NULL
 * context is skipped.
 */
static int
video_hashes(EVP_MD_CTX *full, int *ffresh, EVP_MD_CTX *change, int *cfresh,
    const struct bunny_video *v, unsigned char hfull[32], unsigned char hchange[32])
{
	struct feed f = { full, change };
	struct feed only_change = { NULL, change };
	size_t i;

	if ((full != NULL && start(full, ffresh) != 0) ||
	    (change != NULL && start(change, cfresh) != 0))
		return -1;
	str(&only_change, "change-v1");
	str(&f, v->guid);
	str(&f, v->title);
	str(&f, v->description);
	num(&f, v->length, 1);
	num(&f, v->width, 1);
	num(&f, v->height, 1);
	num(&f, v->uploaded, 1);
	num(&f, v->views, 0);	/* the full hash only */
	str(&f, v->thumbnail);
	str(&f, v->collection);
	num(&f, v->status, 1);
	str(&f, v->meta_tags);
	num(&f, (int64_t)v->ncaptions, 1);
	for (i = 0; i < v->ncaptions; i++) {
		str(&f, v->captions[i].srclang);
		str(&f, v->captions[i].label);
	}
	num(&f, (int64_t)v->nchapters, 1);
	for (i = 0; i < v->nchapters; i++) {
		str(&f, v->chapters[i].title);
		num(&f, v->chapters[i].start, 1);
		num(&f, v->chapters[i].end, 1);
	}
	if ((full != NULL && EVP_DigestFinal_ex(full, hfull, NULL) != 1) ||
	    (change != NULL && EVP_DigestFinal_ex(change, hchange, NULL) != 1))
		return -1;
	return 0;
}

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char xd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = xd[b[i] >> 4];
		out[2 * i + 1] = xd[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
catalog_hasher_init(struct catalog_hasher *h)
{
	memset(h, 0, sizeof(*h));
	h->ffresh = h->cfresh = 1;
	if ((h->one = EVP_MD_CTX_new()) == NULL || (h->chg = EVP_MD_CTX_new()) == NULL ||
	    (h->all = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->all, EVP_sha256(), NULL) != 1) {
		catalog_hasher_free(h);
		return -1;
	}
	EVP_DigestUpdate(h->all, "onlygen-catalog-v1", 18);
	return 0;
}

int
catalog_hasher_add(struct catalog_hasher *h, const struct bunny_video *v,
    unsigned char hash[32], unsigned char chash[32])
{
	if (video_hashes(h->one, &h->ffresh, h->chg, &h->cfresh, v, hash, chash) != 0)
		return -1;
	if (v->status == BUNNY_STATUS_FINISHED)
		EVP_DigestUpdate(h->all, hash, 32);
	return 0;
}

int
catalog_hasher_final(struct catalog_hasher *h, char digest[65])
{
	unsigned char d[32];

	if (EVP_DigestFinal_ex(h->all, d, NULL) != 1)
		return -1;
	hex(d, sizeof(d), digest);
	return 0;
}

void
catalog_hasher_free(struct catalog_hasher *h)
{
	EVP_MD_CTX_free(h->one);
	EVP_MD_CTX_free(h->chg);
	EVP_MD_CTX_free(h->all);
	memset(h, 0, sizeof(*h));
}

int
catalog_hashes(const struct bunny_video *videos, size_t n, unsigned char (*hashes)[32],
    unsigned char (*chash)[32], char digest[65])
{
	struct catalog_hasher h;
	unsigned char hh[32], cc[32];
	int rc = -1;
	size_t i;

	if (catalog_hasher_init(&h) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (catalog_hasher_add(&h, &videos[i], hh, cc) != 0)
			goto out;
		if (hashes != NULL)
			memcpy(hashes[i], hh, 32);
		if (chash != NULL)
			memcpy(chash[i], cc, 32);
	}
	rc = catalog_hasher_final(&h, digest);
out:
	catalog_hasher_free(&h);
	return rc;
}

void
catalog_digest(const struct bunny_video *videos, size_t n,
    unsigned char (*hashes)[32], char digest[65])
{
	if (catalog_hashes(videos, n, hashes, NULL, digest) != 0)
		abort();	/* OpenSSL context allocation: out of memory */
}

int
catalog_change_hash(const struct bunny_video *v, unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int fresh = 1, rc;

	if (md == NULL)
		return -1;
	rc = video_hashes(NULL, NULL, md, &fresh, v, NULL, out);
	EVP_MD_CTX_free(md);
	return rc;
}
