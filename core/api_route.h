/*
 * api_route.h — the verifier's viewer-facing endpoints that other parts
 * name too: the generator writes a video's play URL into its watch and
 * embed pages (site_url.c url_play), the verifier answers it
 * (verifier/module/api.c), and the stats read both back from the access
 * log (generator/stats/stat_log.c).  conf/api.lua routes the same paths.
 * Pure: definitions only.
 */
#ifndef ONLY_API_ROUTE_H
#define ONLY_API_ROUTE_H

/* GET API_PLAY<guid>: the signed HLS URLs of one video */
#define API_PLAY	"/api/play/"
#define API_PLAY_LEN	(sizeof(API_PLAY) - 1)
/* POST: redeem an access code */
#define API_REDEEM	"/api/redeem"

#endif
