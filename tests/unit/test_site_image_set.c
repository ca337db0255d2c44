/*
 * test_site_image_set.c — the mirrored images' pages as the image set
 * lists them (generator/site/site_image_set.c: site_image_set_pages):
 * every variant a video owns and no other, in video then variant order,
 * each path "img/<guid>/<key><suffix>" (site_image_path(), which
 * site_image_url() puts its '/' before: test_site_card_img holds those
 * URLs), and a callback's failure stops the walk.  The set's key
 * (site_image_set_key) follows those paths: over random changes to the
 * videos' guids, image keys, images owned and order, two sets' keys are
 * equal exactly when their paths are, in order; and onlygen's identity
 * (o->code_key) changes it.  site_image_set_plan() carries a set over when
 * STATE/site-images and the site's manifest name its key, and never when
 * the build does not know its onlygen (code_key 0: nothing stands for the
 * paths' code then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "img_vips.h"
#include "model.h"
#include "site_int.h"
#include "site_write.h"

#define NV	600
#define ROUNDS	400	/* random changes whose paths and keys are compared */

struct seen {
	const struct site_ctx	*c;
	size_t			 n, wrong, order, stop_at;
	size_t			 last;	/* vid * IMG_NVARIANTS + variant of the last one */
	struct buf		 u;
};

static int
look(void *arg, size_t vid, int variant, const char *path)
{
	struct seen *s = arg;
	size_t at = vid * IMG_NVARIANTS + (size_t)variant;

	buf_reset(&s->u);
	if (!site_image_own(s->c, vid, variant) ||
	    buf_printf(&s->u, "img/%s/%s%s", s->c->m->videos[vid].guid, s->c->vimg[vid].key,
	    img_suffix(variant)) == -1 || strcmp(s->u.data, path) != 0)
		s->wrong++;
	if (s->n > 0 && at <= s->last)
		s->order++;
	s->last = at;
	return ++s->n == s->stop_at ? -1 : 0;
}

/* Every path of the set, in order, each ended by '\n'. */
static int
collect(void *arg, size_t vid, int variant, const char *path)
{
	(void)vid;
	(void)variant;
	return buf_puts(arg, path) == -1 || buf_putc(arg, '\n') == -1 ? -1 : 0;
}

static int
paths_of(const struct site_ctx *c, struct buf *b)
{
	buf_reset(b);
	return site_image_set_pages(c, collect, b) == 0 && buf_putc(b, '\0') == 0 ? 0 : -1;
}

static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * One random change to video `at` or its image state, some of which leave
 * its paths as they are (a video owning no image renamed or re-keyed, the
 * bytes after a guid's end): what the key must not see.
 */
static void
change(struct video *v, struct video_img *im, size_t n, uint32_t *x)
{
	size_t at = next(x) % n, to = next(x) % n, len;
	struct video tv;
	struct video_img ti;

	switch (next(x) % 7) {
	case 0:	/* an image key's digit */
		im[at].key[next(x) % 16] = "0123456789abcdef"[next(x) % 16];
		break;
	case 1:
		im[at].still = !im[at].still;
		break;
	case 2:
		im[at].preview = !im[at].preview;
		break;
	case 3:	/* two videos' places */
		tv = v[at], v[at] = v[to], v[to] = tv;
		ti = im[at], im[at] = im[to], im[to] = ti;
		break;
	case 4:	/* a guid's character */
		v[at].guid[next(x) % 8] = "0123456789abcdef"[next(x) % 16];
		break;
	case 5:	/* a guid cut short, or what lies after its end */
		len = strnlen(v[at].guid, GUID_LEN);
		if (len == GUID_LEN)
			v[at].guid[20 + next(x) % 8] = '\0';
		else if (len + 1 < GUID_LEN)
			v[at].guid[len + 1] = (char)('a' + next(x) % 26);
		break;
	default:	/* a video owning nothing */
		im[at].still = 0;
		im[at].preview = 0;
		break;
	}
}

/* The key follows the paths over ROUNDS random changes. */
static void
key_follows_paths(struct site_ctx *c, struct video *v, struct video_img *im, size_t n)
{
	struct buf before, after;
	uint32_t x = 0x2545f491;
	size_t r, same = 0, differ = 0, wrong = 0;
	uint64_t k0, k1;

	buf_init(&before, 1 << 24);
	buf_init(&after, 1 << 24);
	for (r = 0; r < ROUNDS; r++) {
		if (paths_of(c, &before) == -1)
			break;
		k0 = site_image_set_key(c);
		change(v, im, n, &x);
		if (paths_of(c, &after) == -1)
			break;
		k1 = site_image_set_key(c);
		if (k0 == 0 || k1 == 0)
			wrong++;
		if (strcmp(before.data, after.data) == 0) {
			same++;
			wrong += k0 != k1;
		} else {
			differ++;
			wrong += k0 == k1;
		}
	}
	CHECK(r == ROUNDS, "every round's paths listed (%zu of %d)", r, ROUNDS);
	CHECK(wrong == 0, "over %d random changes, the keys are equal exactly when the paths "
	    "are, and never 0 (%zu wrong)", ROUNDS, wrong);
	CHECK(same >= ROUNDS / 10 && differ >= ROUNDS / 2,
	    "both kinds of change were made (%zu kept the paths, %zu changed them)", same, differ);
	buf_free(&before);
	buf_free(&after);
}

/*
 * site_image_set_plan() on a state whose STATE/site-images and old
 * manifest name key (a settled output directory, the manifest trusted):
 * 1 when it carried the set over, 0 when it listed it, -1 on an error.
 */
static int
carried(struct site_ctx *c, const char *state, uint64_t key)
{
	struct manifest old;
	struct mf_entry none;
	char path[4096], err[256];
	int rc;

	memset(&old, 0, sizeof(old));
	memset(&none, 0, sizeof(none));
	snprintf(path, sizeof(path), "%s/site-images", state);
	if (manifest_save_images(&none, 0, key, path, err, sizeof(err)) == -1)
		return -1;
	old.images_key = key;
	c->img_carry = 0;
	rc = site_image_set_plan(c, &old, err, sizeof(err)) == -1 ? -1 : c->img_carry != 0;
	manifest_free(&old);
	return rc;
}

/* The set carried over by its key, and not without onlygen's identity. */
static void
carry(struct site_ctx *c, struct site_opts *o)
{
	char root[] = "/tmp/test_site_image_set.XXXXXX", state[4200], out[4200], page[4300];
	FILE *f;
	uint64_t k;

	if (mkdtemp(root) == NULL) {
		CHECK(0, "a temporary directory");
		return;
	}
	snprintf(state, sizeof(state), "%s/state", root);
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(page, sizeof(page), "%s/index.html", out);
	CHECK(mkdir(state, 0755) == 0 && mkdir(out, 0755) == 0 &&
	    (f = fopen(page, "w")) != NULL && fclose(f) == 0, "a state and a published site");
	o->state_dir = state;
	o->out_dir = out;
	o->trust_manifest = 1;
	o->code_key = 0x6f6e6c7967656e31ULL;
	k = site_image_set_key(c);
	CHECK(carried(c, state, k) == 1 && c->img_key == k,
	    "the key the state names: the set carried over");
	CHECK(carried(c, state, k + 1) == 0, "another key in the state: the set listed");
	o->code_key = 0;
	CHECK(carried(c, state, site_image_set_key(c)) == 0,
	    "no onlygen identity, though the keys agree: the set listed");
	(void)unlink(page);
	(void)rmdir(out);
	snprintf(page, sizeof(page), "%s/site-images", state);
	(void)unlink(page);
	(void)rmdir(state);
	(void)rmdir(root);
	o->state_dir = o->out_dir = NULL;
	o->trust_manifest = 0;
}

int
main(void)
{
	static struct video v[NV];
	static struct video_img im[NV];
	struct model m;
	struct site_ctx c;
	struct seen s;
	struct site_opts o;
	uint64_t k;
	size_t i, owned = 0;
	int no;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	for (i = 0; i < NV; i++) {
		snprintf(v[i].guid, sizeof(v[i].guid), "%08zx-9b8d-4c7e-a5f4-1d2e3c4b5a69", i);
		snprintf(im[i].key, sizeof(im[i].key), "%016zx", i * 104729);
		im[i].still = i % 3 != 2;	/* every third: the placeholder */
		im[i].preview = i % 4 == 0;	/* some with a preview, one without stills */
	}
	m.videos = v;
	m.nvideos = NV;
	c.m = &m;
	c.vimg = im;
	for (i = 0; i < NV; i++)
		for (no = 0; no < IMG_NVARIANTS; no++)
			owned += site_image_own(&c, i, no) != 0;

	memset(&s, 0, sizeof(s));
	s.c = &c;
	buf_init(&s.u, 4096);
	CHECK(site_image_set_pages(&c, look, &s) == 0, "the walk ends well");
	CHECK(s.n == owned && owned > 0 && owned < (size_t)NV * IMG_NVARIANTS,
	    "every variant a video owns, and none other (%zu of %zu)", s.n, owned);
	CHECK(s.wrong == 0, "each path img/<guid>/<key><suffix> (%zu differ)", s.wrong);
	CHECK(s.order == 0, "in video, then variant order");
	buf_free(&s.u);

	memset(&s, 0, sizeof(s));
	s.c = &c;
	s.stop_at = 7;
	buf_init(&s.u, 4096);
	CHECK(site_image_set_pages(&c, look, &s) == -1 && s.n == 7,
	    "a callback's failure stops the walk there (%zu called)", s.n);
	buf_free(&s.u);

	o.code_key = 0x6f6e6c7967656e31ULL;
	c.o = &o;
	k = site_image_set_key(&c);
	CHECK(k != 0 && k == site_image_set_key(&c), "the set's key: not 0, the same twice");
	o.code_key++;
	CHECK(site_image_set_key(&c) != k, "another onlygen, another key (its paths' code)");
	o.code_key = 0;
	CHECK(site_image_set_key(&c) != 0, "no identity: still a key, not 0");
	o.code_key = 0x6f6e6c7967656e31ULL;
	for (i = NV; i-- > 0 && !site_image_own(&c, i, 0) && !site_image_own(&c, i, IMG_PREVIEW);)
		continue;
	CHECK(i + 1 < NV, "the last videos own no image (%zu)", i);
	m.nvideos = i + 1;
	CHECK(site_image_set_key(&c) == k, "the videos owning no image dropped: the same paths, "
	    "the same key");
	m.nvideos = i;
	CHECK(site_image_set_key(&c) != k, "the last video owning images dropped: another key");
	m.nvideos = NV;
	key_follows_paths(&c, v, im, NV);
	carry(&c, &o);
	return check_report();
}
