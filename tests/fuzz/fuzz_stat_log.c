/*
 * fuzz_stat_log.c — fuzz target for `onlygen stats`' log reading: the
 * input as an access log (lines of any length, any bytes) through
 * stat_agg_read, as the command reads a file, then the aggregation's
 * finish and the three renderers.  libFuzzer entry point; -DFUZZ_STANDALONE
 * gives a main() that replays files (see fuzz_video_parse.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "stat_agg.h"
#include "stat_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stat_agg *a = malloc(sizeof(*a));
	struct buf out;
	char err[256];
	FILE *f;

	if (a == NULL || (f = fmemopen((void *)data, size ? size : 1, "r")) == NULL) {
		free(a);
		return 0;
	}
	if (size == 0)
		fgetc(f);
	/* 1794873600 = 2026-11-17: the seeds' days fall in the window. */
	if (stat_agg_init(a, 1794873600 / 86400 + 30, 60, NULL, err, sizeof(err)) == 0) {
		if (stat_agg_read(a, f, "fuzz", err, sizeof(err)) == 0 &&
		    stat_agg_meta(a, "a1b2c3d4-0000-4000-8000-000000000001", "vip", "<t>") == 0 &&
		    stat_agg_finish(a, err, sizeof(err)) == 0) {
			buf_init(&out, 1 << 22);
			(void)stat_render_table(a, &out);
			buf_reset(&out);
			(void)stat_render_json(a, &out);
			buf_reset(&out);
			(void)stat_render_html(a, "fuzz", &out);
			buf_free(&out);
		}
		stat_agg_free(a);
	}
	fclose(f);
	free(a);
	return 0;
}

#include "standalone.h"
