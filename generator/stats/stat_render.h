/*
 * stat_render.h — the report of a finished struct stat_agg, three ways,
 * each appended to out (0, or -1 when out's cap is reached or out of
 * memory):
 *
 *   table  aligned columns for a terminal; a catalog string's controls and
 *          invalid bytes become U+FFFD, so a title cannot move the cursor
 *   json   every figure, for scripts (docs/stats.md has the shape)
 *   html   one self-contained page: inline CSS, SVG charts drawn here (a
 *          daily line, a top-10 bar chart), tables; no script, no external
 *          fetch; titles HTML-escaped (escape.h); readable 390 px wide
 */
#ifndef ONLY_STAT_RENDER_H
#define ONLY_STAT_RENDER_H

#include "buf.h"
#include "stat_agg.h"

#define STAT_TABLE_ROWS	50	/* videos, shared codes on a terminal; --json or --html for all */

int	stat_render_table(const struct stat_agg *a, struct buf *out);
int	stat_render_json(const struct stat_agg *a, struct buf *out);
int	stat_render_html(const struct stat_agg *a, const char *site_title, struct buf *out);

/* "1h02m" / "12m" / "45s" for s seconds into out[24]. */
void	stat_duration(uint64_t s, char out[24]);

#endif
