/*
 * site_search_fold.c — the search index's one folding and token rule.
 * The build tokenizes with it and writes it into search/meta.json, and
 * search.js applies exactly that table to what the viewer types: the two
 * sides cannot disagree (docs/search.md).
 *
 * A code point is first folded through FOLD (ASCII upper case to lower,
 * Latin letters with marks to their base letter, ß to ss, Greek and
 * Cyrillic upper case to lower; combining marks and invisible joiners to
 * nothing); ASCII [a-z0-9] and every non-ASCII code point outside SEP
 * then belong to a token, anything else ends it.  A token keeps its first
 * SEARCH_TOKEN_MAX code points.  Every token is in the BMP (SEP holds the
 * planes above), so UTF-8 byte order equals JavaScript's string order.
 */
#include <stdint.h>
#include <string.h>

#include "site_search.h"
#include "utf8.h"

struct fold {
	uint32_t	 lo, hi;
	int32_t		 delta;	/* cp -> cp + delta, when to is NULL */
	const char	*to;	/* every cp of the range -> this UTF-8 (maybe "") */
};

/* Generated once from Unicode's decompositions; sorted, disjoint. */
static const struct fold FOLD[] = {
	{ 0x0041, 0x005a, 32, NULL },
	{ 0x00ad, 0x00ad, 0, "" },
	{ 0x00c0, 0x00c0, -95, NULL },
	{ 0x00c1, 0x00c1, -96, NULL },
	{ 0x00c2, 0x00c2, -97, NULL },
	{ 0x00c3, 0x00c3, -98, NULL },
	{ 0x00c4, 0x00c4, -99, NULL },
	{ 0x00c5, 0x00c5, -100, NULL },
	{ 0x00c6, 0x00c6, 0, "ae" },
	{ 0x00c7, 0x00c7, -100, NULL },
	{ 0x00c8, 0x00c8, -99, NULL },
	{ 0x00c9, 0x00c9, -100, NULL },
	{ 0x00ca, 0x00ca, -101, NULL },
	{ 0x00cb, 0x00cb, -102, NULL },
	{ 0x00cc, 0x00cc, -99, NULL },
	{ 0x00cd, 0x00cd, -100, NULL },
	{ 0x00ce, 0x00ce, -101, NULL },
	{ 0x00cf, 0x00cf, -102, NULL },
	{ 0x00d0, 0x00d0, -108, NULL },
	{ 0x00d1, 0x00d2, -99, NULL },
	{ 0x00d3, 0x00d3, -100, NULL },
	{ 0x00d4, 0x00d4, -101, NULL },
	{ 0x00d5, 0x00d5, -102, NULL },
	{ 0x00d6, 0x00d6, -103, NULL },
	{ 0x00d8, 0x00d8, -105, NULL },
	{ 0x00d9, 0x00d9, -100, NULL },
	{ 0x00da, 0x00da, -101, NULL },
	{ 0x00db, 0x00db, -102, NULL },
	{ 0x00dc, 0x00dc, -103, NULL },
	{ 0x00dd, 0x00dd, -100, NULL },
	{ 0x00de, 0x00de, 0, "th" },
	{ 0x00df, 0x00df, 0, "ss" },
	{ 0x00e0, 0x00e0, -127, NULL },
	{ 0x00e1, 0x00e1, -128, NULL },
	{ 0x00e2, 0x00e2, -129, NULL },
	{ 0x00e3, 0x00e3, -130, NULL },
	{ 0x00e4, 0x00e4, -131, NULL },
	{ 0x00e5, 0x00e5, -132, NULL },
	{ 0x00e6, 0x00e6, 0, "ae" },
	{ 0x00e7, 0x00e7, -132, NULL },
	{ 0x00e8, 0x00e8, -131, NULL },
	{ 0x00e9, 0x00e9, -132, NULL },
	{ 0x00ea, 0x00ea, -133, NULL },
	{ 0x00eb, 0x00eb, -134, NULL },
	{ 0x00ec, 0x00ec, -131, NULL },
	{ 0x00ed, 0x00ed, -132, NULL },
	{ 0x00ee, 0x00ee, -133, NULL },
	{ 0x00ef, 0x00ef, -134, NULL },
	{ 0x00f0, 0x00f0, -140, NULL },
	{ 0x00f1, 0x00f2, -131, NULL },
	{ 0x00f3, 0x00f3, -132, NULL },
	{ 0x00f4, 0x00f4, -133, NULL },
	{ 0x00f5, 0x00f5, -134, NULL },
	{ 0x00f6, 0x00f6, -135, NULL },
	{ 0x00f8, 0x00f8, -137, NULL },
	{ 0x00f9, 0x00f9, -132, NULL },
	{ 0x00fa, 0x00fa, -133, NULL },
	{ 0x00fb, 0x00fb, -134, NULL },
	{ 0x00fc, 0x00fc, -135, NULL },
	{ 0x00fd, 0x00fd, -132, NULL },
	{ 0x00fe, 0x00fe, 0, "th" },
	{ 0x00ff, 0x00ff, -134, NULL },
	{ 0x0100, 0x0100, -159, NULL },
	{ 0x0101, 0x0101, -160, NULL },
	{ 0x0102, 0x0102, -161, NULL },
	{ 0x0103, 0x0103, -162, NULL },
	{ 0x0104, 0x0104, -163, NULL },
	{ 0x0105, 0x0105, -164, NULL },
	{ 0x0106, 0x0106, -163, NULL },
	{ 0x0107, 0x0107, -164, NULL },
	{ 0x0108, 0x0108, -165, NULL },
	{ 0x0109, 0x0109, -166, NULL },
	{ 0x010a, 0x010a, -167, NULL },
	{ 0x010b, 0x010b, -168, NULL },
	{ 0x010c, 0x010c, -169, NULL },
	{ 0x010d, 0x010e, -170, NULL },
	{ 0x010f, 0x010f, -171, NULL },
	{ 0x0110, 0x0110, -172, NULL },
	{ 0x0111, 0x0112, -173, NULL },
	{ 0x0113, 0x0113, -174, NULL },
	{ 0x0114, 0x0114, -175, NULL },
	{ 0x0115, 0x0115, -176, NULL },
	{ 0x0116, 0x0116, -177, NULL },
	{ 0x0117, 0x0117, -178, NULL },
	{ 0x0118, 0x0118, -179, NULL },
	{ 0x0119, 0x0119, -180, NULL },
	{ 0x011a, 0x011a, -181, NULL },
	{ 0x011b, 0x011b, -182, NULL },
	{ 0x011c, 0x011c, -181, NULL },
	{ 0x011d, 0x011d, -182, NULL },
	{ 0x011e, 0x011e, -183, NULL },
	{ 0x011f, 0x011f, -184, NULL },
	{ 0x0120, 0x0120, -185, NULL },
	{ 0x0121, 0x0121, -186, NULL },
	{ 0x0122, 0x0122, -187, NULL },
	{ 0x0123, 0x0124, -188, NULL },
	{ 0x0125, 0x0125, -189, NULL },
	{ 0x0126, 0x0126, -190, NULL },
	{ 0x0127, 0x0128, -191, NULL },
	{ 0x0129, 0x0129, -192, NULL },
	{ 0x012a, 0x012a, -193, NULL },
	{ 0x012b, 0x012b, -194, NULL },
	{ 0x012c, 0x012c, -195, NULL },
	{ 0x012d, 0x012d, -196, NULL },
	{ 0x012e, 0x012e, -197, NULL },
	{ 0x012f, 0x012f, -198, NULL },
	{ 0x0130, 0x0130, -199, NULL },
	{ 0x0131, 0x0131, -200, NULL },
	{ 0x0134, 0x0134, -202, NULL },
	{ 0x0135, 0x0136, -203, NULL },
	{ 0x0137, 0x0137, -204, NULL },
	{ 0x0138, 0x0139, -205, NULL },
	{ 0x013a, 0x013a, -206, NULL },
	{ 0x013b, 0x013b, -207, NULL },
	{ 0x013c, 0x013c, -208, NULL },
	{ 0x013d, 0x013d, -209, NULL },
	{ 0x013e, 0x013e, -210, NULL },
	{ 0x0141, 0x0141, -213, NULL },
	{ 0x0142, 0x0142, -214, NULL },
	{ 0x0143, 0x0143, -213, NULL },
	{ 0x0144, 0x0144, -214, NULL },
	{ 0x0145, 0x0145, -215, NULL },
	{ 0x0146, 0x0146, -216, NULL },
	{ 0x0147, 0x0147, -217, NULL },
	{ 0x0148, 0x0148, -218, NULL },
	{ 0x0149, 0x0149, -219, NULL },
	{ 0x014a, 0x014a, -220, NULL },
	{ 0x014b, 0x014c, -221, NULL },
	{ 0x014d, 0x014d, -222, NULL },
	{ 0x014e, 0x014e, -223, NULL },
	{ 0x014f, 0x014f, -224, NULL },
	{ 0x0150, 0x0150, -225, NULL },
	{ 0x0151, 0x0151, -226, NULL },
	{ 0x0152, 0x0152, 0, "oe" },
	{ 0x0153, 0x0153, 0, "oe" },
	{ 0x0154, 0x0154, -226, NULL },
	{ 0x0155, 0x0155, -227, NULL },
	{ 0x0156, 0x0156, -228, NULL },
	{ 0x0157, 0x0157, -229, NULL },
	{ 0x0158, 0x0158, -230, NULL },
	{ 0x0159, 0x015a, -231, NULL },
	{ 0x015b, 0x015b, -232, NULL },
	{ 0x015c, 0x015c, -233, NULL },
	{ 0x015d, 0x015d, -234, NULL },
	{ 0x015e, 0x015e, -235, NULL },
	{ 0x015f, 0x015f, -236, NULL },
	{ 0x0160, 0x0160, -237, NULL },
	{ 0x0161, 0x0162, -238, NULL },
	{ 0x0163, 0x0163, -239, NULL },
	{ 0x0164, 0x0164, -240, NULL },
	{ 0x0165, 0x0165, -241, NULL },
	{ 0x0166, 0x0166, -242, NULL },
	{ 0x0167, 0x0168, -243, NULL },
	{ 0x0169, 0x0169, -244, NULL },
	{ 0x016a, 0x016a, -245, NULL },
	{ 0x016b, 0x016b, -246, NULL },
	{ 0x016c, 0x016c, -247, NULL },
	{ 0x016d, 0x016d, -248, NULL },
	{ 0x016e, 0x016e, -249, NULL },
	{ 0x016f, 0x016f, -250, NULL },
	{ 0x0170, 0x0170, -251, NULL },
	{ 0x0171, 0x0171, -252, NULL },
	{ 0x0172, 0x0172, -253, NULL },
	{ 0x0173, 0x0173, -254, NULL },
	{ 0x0174, 0x0174, -253, NULL },
	{ 0x0175, 0x0175, -254, NULL },
	{ 0x0176, 0x0176, -253, NULL },
	{ 0x0177, 0x0177, -254, NULL },
	{ 0x0178, 0x0179, -255, NULL },
	{ 0x017a, 0x017a, -256, NULL },
	{ 0x017b, 0x017b, -257, NULL },
	{ 0x017c, 0x017c, -258, NULL },
	{ 0x017d, 0x017d, -259, NULL },
	{ 0x017e, 0x017e, -260, NULL },
	{ 0x017f, 0x017f, -268, NULL },
	{ 0x01a0, 0x01a0, -305, NULL },
	{ 0x01a1, 0x01a1, -306, NULL },
	{ 0x01af, 0x01af, -314, NULL },
	{ 0x01b0, 0x01b0, -315, NULL },
	{ 0x01cd, 0x01cd, -364, NULL },
	{ 0x01ce, 0x01ce, -365, NULL },
	{ 0x01cf, 0x01cf, -358, NULL },
	{ 0x01d0, 0x01d0, -359, NULL },
	{ 0x01d1, 0x01d1, -354, NULL },
	{ 0x01d2, 0x01d2, -355, NULL },
	{ 0x01d3, 0x01d3, -350, NULL },
	{ 0x01d4, 0x01d4, -351, NULL },
	{ 0x01d5, 0x01d5, -352, NULL },
	{ 0x01d6, 0x01d6, -353, NULL },
	{ 0x01d7, 0x01d7, -354, NULL },
	{ 0x01d8, 0x01d8, -355, NULL },
	{ 0x01d9, 0x01d9, -356, NULL },
	{ 0x01da, 0x01da, -357, NULL },
	{ 0x01db, 0x01db, -358, NULL },
	{ 0x01dc, 0x01dc, -359, NULL },
	{ 0x01de, 0x01de, -381, NULL },
	{ 0x01df, 0x01df, -382, NULL },
	{ 0x01e0, 0x01e0, -383, NULL },
	{ 0x01e1, 0x01e1, -384, NULL },
	{ 0x01e2, 0x01e2, 0, "ae" },
	{ 0x01e3, 0x01e3, 0, "ae" },
	{ 0x01e6, 0x01e6, -383, NULL },
	{ 0x01e7, 0x01e7, -384, NULL },
	{ 0x01e8, 0x01e8, -381, NULL },
	{ 0x01e9, 0x01e9, -382, NULL },
	{ 0x01ea, 0x01ea, -379, NULL },
	{ 0x01eb, 0x01eb, -380, NULL },
	{ 0x01ec, 0x01ec, -381, NULL },
	{ 0x01ed, 0x01ed, -382, NULL },
	{ 0x01f0, 0x01f0, -390, NULL },
	{ 0x01f4, 0x01f4, -397, NULL },
	{ 0x01f5, 0x01f5, -398, NULL },
	{ 0x01f8, 0x01f8, -394, NULL },
	{ 0x01f9, 0x01f9, -395, NULL },
	{ 0x01fa, 0x01fa, -409, NULL },
	{ 0x01fb, 0x01fb, -410, NULL },
	{ 0x01fc, 0x01fc, 0, "ae" },
	{ 0x01fd, 0x01fd, 0, "ae" },
	{ 0x01fe, 0x01fe, -399, NULL },
	{ 0x01ff, 0x01ff, -400, NULL },
	{ 0x0200, 0x0200, -415, NULL },
	{ 0x0201, 0x0201, -416, NULL },
	{ 0x0202, 0x0202, -417, NULL },
	{ 0x0203, 0x0203, -418, NULL },
	{ 0x0204, 0x0204, -415, NULL },
	{ 0x0205, 0x0205, -416, NULL },
	{ 0x0206, 0x0206, -417, NULL },
	{ 0x0207, 0x0207, -418, NULL },
	{ 0x0208, 0x0208, -415, NULL },
	{ 0x0209, 0x0209, -416, NULL },
	{ 0x020a, 0x020a, -417, NULL },
	{ 0x020b, 0x020b, -418, NULL },
	{ 0x020c, 0x020c, -413, NULL },
	{ 0x020d, 0x020d, -414, NULL },
	{ 0x020e, 0x020e, -415, NULL },
	{ 0x020f, 0x020f, -416, NULL },
	{ 0x0210, 0x0210, -414, NULL },
	{ 0x0211, 0x0211, -415, NULL },
	{ 0x0212, 0x0212, -416, NULL },
	{ 0x0213, 0x0213, -417, NULL },
	{ 0x0214, 0x0214, -415, NULL },
	{ 0x0215, 0x0215, -416, NULL },
	{ 0x0216, 0x0216, -417, NULL },
	{ 0x0217, 0x0217, -418, NULL },
	{ 0x0218, 0x0218, -421, NULL },
	{ 0x0219, 0x021a, -422, NULL },
	{ 0x021b, 0x021b, -423, NULL },
	{ 0x021e, 0x021e, -438, NULL },
	{ 0x021f, 0x021f, -439, NULL },
	{ 0x0226, 0x0226, -453, NULL },
	{ 0x0227, 0x0227, -454, NULL },
	{ 0x0228, 0x0228, -451, NULL },
	{ 0x0229, 0x0229, -452, NULL },
	{ 0x022a, 0x022a, -443, NULL },
	{ 0x022b, 0x022b, -444, NULL },
	{ 0x022c, 0x022c, -445, NULL },
	{ 0x022d, 0x022d, -446, NULL },
	{ 0x022e, 0x022e, -447, NULL },
	{ 0x022f, 0x022f, -448, NULL },
	{ 0x0230, 0x0230, -449, NULL },
	{ 0x0231, 0x0231, -450, NULL },
	{ 0x0232, 0x0232, -441, NULL },
	{ 0x0233, 0x0233, -442, NULL },
	{ 0x0300, 0x036f, 0, "" },
	{ 0x0370, 0x0370, 1, NULL },
	{ 0x0372, 0x0372, 1, NULL },
	{ 0x0374, 0x0374, -187, NULL },
	{ 0x0376, 0x0376, 1, NULL },
	{ 0x037f, 0x037f, 116, NULL },
	{ 0x0386, 0x0386, 43, NULL },
	{ 0x0388, 0x0388, 45, NULL },
	{ 0x0389, 0x0389, 46, NULL },
	{ 0x038a, 0x038a, 47, NULL },
	{ 0x038c, 0x038c, 51, NULL },
	{ 0x038e, 0x038e, 55, NULL },
	{ 0x038f, 0x038f, 58, NULL },
	{ 0x0390, 0x0390, 41, NULL },
	{ 0x0391, 0x03a1, 32, NULL },
	{ 0x03a3, 0x03a9, 32, NULL },
	{ 0x03aa, 0x03aa, 15, NULL },
	{ 0x03ab, 0x03ab, 26, NULL },
	{ 0x03ac, 0x03ac, 5, NULL },
	{ 0x03ad, 0x03ad, 8, NULL },
	{ 0x03ae, 0x03ae, 9, NULL },
	{ 0x03af, 0x03af, 10, NULL },
	{ 0x03b0, 0x03b0, 21, NULL },
	{ 0x03c2, 0x03c2, 1, NULL },
	{ 0x03ca, 0x03ca, -17, NULL },
	{ 0x03cb, 0x03cb, -6, NULL },
	{ 0x03cc, 0x03cc, -13, NULL },
	{ 0x03cd, 0x03cd, -8, NULL },
	{ 0x03ce, 0x03ce, -5, NULL },
	{ 0x03cf, 0x03cf, 8, NULL },
	{ 0x03d3, 0x03d3, -1, NULL },
	{ 0x03d4, 0x03d4, -2, NULL },
	{ 0x03d8, 0x03d8, 1, NULL },
	{ 0x03da, 0x03da, 1, NULL },
	{ 0x03dc, 0x03dc, 1, NULL },
	{ 0x03de, 0x03de, 1, NULL },
	{ 0x03e0, 0x03e0, 1, NULL },
	{ 0x03e2, 0x03e2, 1, NULL },
	{ 0x03e4, 0x03e4, 1, NULL },
	{ 0x03e6, 0x03e6, 1, NULL },
	{ 0x03e8, 0x03e8, 1, NULL },
	{ 0x03ea, 0x03ea, 1, NULL },
	{ 0x03ec, 0x03ec, 1, NULL },
	{ 0x03ee, 0x03ee, 1, NULL },
	{ 0x03f4, 0x03f4, -60, NULL },
	{ 0x03f7, 0x03f7, 1, NULL },
	{ 0x03f9, 0x03f9, -7, NULL },
	{ 0x03fa, 0x03fa, 1, NULL },
	{ 0x03fd, 0x03ff, -130, NULL },
	{ 0x0400, 0x0400, 53, NULL },
	{ 0x0401, 0x0401, 52, NULL },
	{ 0x0402, 0x0402, 80, NULL },
	{ 0x0403, 0x0403, 48, NULL },
	{ 0x0404, 0x0406, 80, NULL },
	{ 0x0407, 0x0407, 79, NULL },
	{ 0x0408, 0x040b, 80, NULL },
	{ 0x040c, 0x040c, 46, NULL },
	{ 0x040d, 0x040d, 43, NULL },
	{ 0x040e, 0x040e, 53, NULL },
	{ 0x040f, 0x040f, 80, NULL },
	{ 0x0410, 0x0418, 32, NULL },
	{ 0x0419, 0x0419, 31, NULL },
	{ 0x041a, 0x042f, 32, NULL },
	{ 0x0439, 0x0439, -1, NULL },
	{ 0x0450, 0x0450, -27, NULL },
	{ 0x0451, 0x0451, -28, NULL },
	{ 0x0453, 0x0453, -32, NULL },
	{ 0x0457, 0x0457, -1, NULL },
	{ 0x045c, 0x045c, -34, NULL },
	{ 0x045d, 0x045d, -37, NULL },
	{ 0x045e, 0x045e, -27, NULL },
	{ 0x0460, 0x0460, 1, NULL },
	{ 0x0462, 0x0462, 1, NULL },
	{ 0x0464, 0x0464, 1, NULL },
	{ 0x0466, 0x0466, 1, NULL },
	{ 0x0468, 0x0468, 1, NULL },
	{ 0x046a, 0x046a, 1, NULL },
	{ 0x046c, 0x046c, 1, NULL },
	{ 0x046e, 0x046e, 1, NULL },
	{ 0x0470, 0x0470, 1, NULL },
	{ 0x0472, 0x0472, 1, NULL },
	{ 0x0474, 0x0474, 1, NULL },
	{ 0x0476, 0x0476, -1, NULL },
	{ 0x0477, 0x0477, -2, NULL },
	{ 0x0478, 0x0478, 1, NULL },
	{ 0x047a, 0x047a, 1, NULL },
	{ 0x047c, 0x047c, 1, NULL },
	{ 0x047e, 0x047e, 1, NULL },
	{ 0x0480, 0x0480, 1, NULL },
	{ 0x048a, 0x048a, 1, NULL },
	{ 0x048c, 0x048c, 1, NULL },
	{ 0x048e, 0x048e, 1, NULL },
	{ 0x0490, 0x0490, 1, NULL },
	{ 0x0492, 0x0492, 1, NULL },
	{ 0x0494, 0x0494, 1, NULL },
	{ 0x0496, 0x0496, 1, NULL },
	{ 0x0498, 0x0498, 1, NULL },
	{ 0x049a, 0x049a, 1, NULL },
	{ 0x049c, 0x049c, 1, NULL },
	{ 0x049e, 0x049e, 1, NULL },
	{ 0x04a0, 0x04a0, 1, NULL },
	{ 0x04a2, 0x04a2, 1, NULL },
	{ 0x04a4, 0x04a4, 1, NULL },
	{ 0x04a6, 0x04a6, 1, NULL },
	{ 0x04a8, 0x04a8, 1, NULL },
	{ 0x04aa, 0x04aa, 1, NULL },
	{ 0x04ac, 0x04ac, 1, NULL },
	{ 0x04ae, 0x04ae, 1, NULL },
	{ 0x04b0, 0x04b0, 1, NULL },
	{ 0x04b2, 0x04b2, 1, NULL },
	{ 0x04b4, 0x04b4, 1, NULL },
	{ 0x04b6, 0x04b6, 1, NULL },
	{ 0x04b8, 0x04b8, 1, NULL },
	{ 0x04ba, 0x04ba, 1, NULL },
	{ 0x04bc, 0x04bc, 1, NULL },
	{ 0x04be, 0x04be, 1, NULL },
	{ 0x04c0, 0x04c0, 15, NULL },
	{ 0x04c1, 0x04c1, -139, NULL },
	{ 0x04c2, 0x04c2, -140, NULL },
	{ 0x04c3, 0x04c3, 1, NULL },
	{ 0x04c5, 0x04c5, 1, NULL },
	{ 0x04c7, 0x04c7, 1, NULL },
	{ 0x04c9, 0x04c9, 1, NULL },
	{ 0x04cb, 0x04cb, 1, NULL },
	{ 0x04cd, 0x04cd, 1, NULL },
	{ 0x04d0, 0x04d0, -160, NULL },
	{ 0x04d1, 0x04d1, -161, NULL },
	{ 0x04d2, 0x04d2, -162, NULL },
	{ 0x04d3, 0x04d3, -163, NULL },
	{ 0x04d4, 0x04d4, 1, NULL },
	{ 0x04d6, 0x04d6, -161, NULL },
	{ 0x04d7, 0x04d7, -162, NULL },
	{ 0x04d8, 0x04d8, 1, NULL },
	{ 0x04da, 0x04da, -1, NULL },
	{ 0x04db, 0x04db, -2, NULL },
	{ 0x04dc, 0x04dc, -166, NULL },
	{ 0x04dd, 0x04de, -167, NULL },
	{ 0x04df, 0x04df, -168, NULL },
	{ 0x04e0, 0x04e0, 1, NULL },
	{ 0x04e2, 0x04e2, -170, NULL },
	{ 0x04e3, 0x04e3, -171, NULL },
	{ 0x04e4, 0x04e4, -172, NULL },
	{ 0x04e5, 0x04e5, -173, NULL },
	{ 0x04e6, 0x04e6, -168, NULL },
	{ 0x04e7, 0x04e7, -169, NULL },
	{ 0x04e8, 0x04e8, 1, NULL },
	{ 0x04ea, 0x04ea, -1, NULL },
	{ 0x04eb, 0x04eb, -2, NULL },
	{ 0x04ec, 0x04ec, -159, NULL },
	{ 0x04ed, 0x04ed, -160, NULL },
	{ 0x04ee, 0x04ee, -171, NULL },
	{ 0x04ef, 0x04ef, -172, NULL },
	{ 0x04f0, 0x04f0, -173, NULL },
	{ 0x04f1, 0x04f1, -174, NULL },
	{ 0x04f2, 0x04f2, -175, NULL },
	{ 0x04f3, 0x04f3, -176, NULL },
	{ 0x04f4, 0x04f4, -173, NULL },
	{ 0x04f5, 0x04f5, -174, NULL },
	{ 0x04f6, 0x04f6, 1, NULL },
	{ 0x04f8, 0x04f8, -173, NULL },
	{ 0x04f9, 0x04f9, -174, NULL },
	{ 0x04fa, 0x04fa, 1, NULL },
	{ 0x04fc, 0x04fc, 1, NULL },
	{ 0x04fe, 0x04fe, 1, NULL },
	{ 0x1e9e, 0x1e9e, 0, "ss" },
	{ 0x200c, 0x200d, 0, "" },
	{ 0xfe00, 0xfe0f, 0, "" },
};

/* Non-ASCII code points that end a token (sorted, disjoint). */
static const uint32_t SEP[][2] = {
	{ 0x0080, 0x00bf },	/* Latin-1 controls, punctuation, symbols */
	{ 0x00d7, 0x00d7 }, { 0x00f7, 0x00f7 },
	{ 0x037e, 0x037e }, { 0x0387, 0x0387 },	/* Greek question mark, ano teleia */
	{ 0x055a, 0x055f }, { 0x0589, 0x058a },	/* Armenian punctuation */
	{ 0x05be, 0x05be }, { 0x05c0, 0x05c0 }, { 0x05c3, 0x05c3 }, { 0x05f3, 0x05f4 },
	{ 0x0600, 0x060f }, { 0x061b, 0x061f }, { 0x066a, 0x066d }, { 0x06d4, 0x06d4 },
	{ 0x0964, 0x0965 },
	{ 0x2000, 0x2bff },	/* spaces, punctuation, symbols, arrows, math, boxes, dingbats */
	{ 0x2e00, 0x2e7f }, { 0x3000, 0x303f },	/* supplemental and CJK punctuation */
	{ 0xd800, 0xdfff },	/* surrogates: never valid, but say so */
	{ 0xfd3e, 0xfd3f }, { 0xfe10, 0xfe1f }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff0f }, { 0xff1a, 0xff20 }, { 0xff3b, 0xff40 }, { 0xff5b, 0xff65 },
	{ 0xfff0, 0xffff },	/* specials, U+FFFD */
	{ 0x10000, 0x10ffff },	/* every plane above the BMP: emoji, ... */
};

static const struct fold *
fold_of(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(FOLD) / sizeof(FOLD[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < FOLD[mid].lo)
			hi = mid;
		else if (cp > FOLD[mid].hi)
			lo = mid + 1;
		else
			return &FOLD[mid];
	}
	return NULL;
}

static int
is_sep(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(SEP) / sizeof(SEP[0]);

	if (cp < 0x80)
		return !((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'));
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < SEP[mid][0])
			hi = mid;
		else if (cp > SEP[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

struct tok {
	char	b[SEARCH_TOKEN_MAX * 3 + 1];
	size_t	len, ncp;
};

/* Appends one folded code point (never a separator) to t. */
static void
tok_add(struct tok *t, uint32_t cp)
{
	if (t->ncp >= SEARCH_TOKEN_MAX)
		return;
	t->len += utf8_encode(cp, t->b + t->len);
	t->ncp++;
}

static int
tok_end(struct tok *t, int (*fn)(const char *, size_t, void *), void *arg)
{
	int rc = 0;

	if (t->len > 0) {
		t->b[t->len] = '\0';
		rc = fn(t->b, t->len, arg);
	}
	t->len = t->ncp = 0;
	return rc;
}

/*
 * The ASCII token bytes, folded: [A-Z] to [a-z], [a-z0-9] as they are; 0
 * for every other byte (ASCII separators, NUL, and every byte from 0x80,
 * which the UTF-8 path handles).
 */
static const unsigned char ASCII_TOK[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
};

/*
 * The tokenizer over s[0..n), or (nul) up to s's NUL: the same rule either
 * way, the NUL form sparing a strlen() pass over every title and
 * description.  utf8_decode() stops at the first byte that is not a
 * continuation, so it never reads past a NUL whatever n it is told.
 * Inlined into its two callers, nul a constant in each.
 */
static inline int
tokens(const unsigned char *p, size_t n, int nul, int (*fn)(const char *, size_t, void *),
    void *arg)
{
	struct tok t;	/* its bytes written before they are read: not cleared */
	size_t i = 0, k;
	int rc;

	t.len = t.ncp = 0;
#define AT_END(i)	(nul ? p[(i)] == 0 : (i) >= n)
	while (!AT_END(i)) {
		uint32_t cp;
		const struct fold *f;
		unsigned char ch;

		if (p[i] < 0x80) {
			/* ASCII, the bulk of most text: a run of token bytes appended
			 * byte for byte (the table's A-Z and is_sep() in ASCII_TOK) */
			if ((ch = ASCII_TOK[p[i]]) == 0) {
				i++;
				if ((rc = tok_end(&t, fn, arg)) != 0)
					return rc;
				continue;
			}
			do {
				if (t.ncp < SEARCH_TOKEN_MAX) {
					t.b[t.len++] = (char)ch;
					t.ncp++;
				}
				i++;
			} while (!AT_END(i) && (ch = ASCII_TOK[p[i]]) != 0);
			continue;
		}
		if ((k = utf8_decode(p + i, nul ? 4 : n - i, &cp)) == 0) {
			/* invalid UTF-8 (the model rejects it): a separator */
			if ((rc = tok_end(&t, fn, arg)) != 0)
				return rc;
			i++;
			continue;
		}
		i += k;
		if ((f = fold_of(cp)) != NULL) {
			if (f->to == NULL)
				tok_add(&t, (uint32_t)((int32_t)cp + f->delta));
			else {
				const unsigned char *q = (const unsigned char *)f->to;
				size_t qn = strlen(f->to), j = 0, m;
				uint32_t c2;

				while (j < qn && (m = utf8_decode(q + j, qn - j, &c2)) != 0) {
					tok_add(&t, c2);
					j += m;
				}
			}
			continue;
		}
		if (is_sep(cp)) {
			if ((rc = tok_end(&t, fn, arg)) != 0)
				return rc;
			continue;
		}
		tok_add(&t, cp);
	}
#undef AT_END
	return tok_end(&t, fn, arg);
}

int
search_tokens(const char *s, size_t n, int (*fn)(const char *, size_t, void *), void *arg)
{
	return tokens((const unsigned char *)s, n, 0, fn, arg);
}

int
search_tokens_str(const char *s, int (*fn)(const char *, size_t, void *), void *arg)
{
	return tokens((const unsigned char *)s, 0, 1, fn, arg);
}

/* Appends cp as a JSON string's content: printable ASCII and letters
 * from U+00A0 as they are (the table maps to letters only), the rest as
 * \uXXXX. */
static int
put_cp_json(struct buf *o, uint32_t cp)
{
	char u[4];

	if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\')
		return buf_putc(o, (char)cp);
	if (cp >= 0xa0 && cp < 0x2000)
		return buf_put(o, u, utf8_encode(cp, u));
	return buf_printf(o, "\\u%04x", (unsigned)cp);
}

static int
put_str_json(struct buf *o, const char *s)
{
	const unsigned char *q = (const unsigned char *)s;
	size_t n = strlen(s), j = 0, m;
	uint32_t cp;

	while (j < n && (m = utf8_decode(q + j, n - j, &cp)) != 0) {
		if (put_cp_json(o, cp) == -1)
			return -1;
		j += m;
	}
	return 0;
}

/*
 * "fold":[[lo,"abc"],[lo,hi,"s"],...]: [lo,"abc"] maps lo, lo+1, ... to
 * one code point each (a run of delta entries); [lo,hi,"s"] maps every
 * code point of lo..hi to s (maybe empty).  "sep":[[lo,hi],...].
 */
int
search_fold_json(struct buf *o)
{
	size_t i, n = sizeof(FOLD) / sizeof(FOLD[0]), ns = sizeof(SEP) / sizeof(SEP[0]);
	uint32_t cp;

	if (BUF_PUTSL(o, "\"fold\":[") == -1)
		return -1;
	for (i = 0; i < n; ) {
		if (i > 0 && buf_putc(o, ',') == -1)
			return -1;
		if (FOLD[i].to != NULL) {
			if (buf_printf(o, "[%u,%u,\"", (unsigned)FOLD[i].lo, (unsigned)FOLD[i].hi) == -1 ||
			    put_str_json(o, FOLD[i].to) == -1 || BUF_PUTSL(o, "\"]") == -1)
				return -1;
			i++;
			continue;
		}
		/* a run of delta entries over consecutive code points */
		if (buf_printf(o, "[%u,\"", (unsigned)FOLD[i].lo) == -1)
			return -1;
		do {
			for (cp = FOLD[i].lo; cp <= FOLD[i].hi; cp++)
				if (put_cp_json(o, (uint32_t)((int32_t)cp + FOLD[i].delta)) == -1)
					return -1;
			i++;
		} while (i < n && FOLD[i].to == NULL && FOLD[i].lo == FOLD[i - 1].hi + 1);
		if (BUF_PUTSL(o, "\"]") == -1)
			return -1;
	}
	if (BUF_PUTSL(o, "],\"sep\":[") == -1)
		return -1;
	for (i = 0; i < ns; i++)
		if (buf_printf(o, "%s[%u,%u]", i ? "," : "", (unsigned)SEP[i][0], (unsigned)SEP[i][1]) == -1)
			return -1;
	return buf_putc(o, ']');
}
