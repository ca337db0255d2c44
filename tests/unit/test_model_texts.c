/*
 * test_model_texts.c — every video's texts sum, filled once
 * (generator/model/model_texts.c): each sum that was 0 becomes
 * model_texts_sum() of its title and description, a sum already known
 * stays as it was, whether the model is summed on one thread (a few
 * videos) or in two halves (from TEXTS_SPLIT_MIN on: the halves' edge
 * and both ends checked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_texts.h"

static void
check_fill(size_t n)
{
	struct model m;
	char (*title)[32] = calloc(n ? n : 1, sizeof(*title));
	size_t i, wrong = 0, kept = 0;

	memset(&m, 0, sizeof(m));
	m.videos = calloc(n ? n : 1, sizeof(*m.videos));
	if (title == NULL || m.videos == NULL)
		exit(1);
	m.nvideos = n;
	for (i = 0; i < n; i++) {
		snprintf(title[i], sizeof(title[i]), "title %zu", i);
		m.videos[i].title = title[i];
		m.videos[i].description = i % 3 == 0 ? (char *)"" : title[(i * 7) % n];
		/* every fifth already known: an arbitrary value that must stay */
		m.videos[i].texts = i % 5 == 0 ? 0x5eed + i : 0;
	}
	model_texts_fill(&m);
	for (i = 0; i < n; i++) {
		uint64_t want = i % 5 == 0 ? 0x5eed + i :
		    model_texts_sum(m.videos[i].title, m.videos[i].description);

		wrong += m.videos[i].texts != want || m.videos[i].texts == 0;
		kept += i % 5 == 0 && m.videos[i].texts == 0x5eed + i;
	}
	CHECK(wrong == 0, "%zu videos: each sum that was 0 is its texts' (%zu wrong)", n, wrong);
	CHECK(kept == (n + 4) / 5, "%zu videos: the sums known stay (%zu)", n, kept);
	free(m.videos);
	free(title);
}

int
main(void)
{
	CHECK(model_texts_sum("a", "bc") != model_texts_sum("ab", "c"),
	    "a title and a description are summed apart");
	CHECK(model_texts_sum("", "") != 0, "a sum is never 0");
	check_fill(0);
	check_fill(1);
	check_fill(8191);
	check_fill(8192);
	check_fill(100001);
	return check_report();
}
