/*
 * utf8.h — one strict UTF-8 decoder shared by every module that must not
 * pass broken text on (the generator's escapers and catalog string repair,
 * the verifier's JSON answers), and the encoder of the code points the
 * parsers decode from escapes and the search index folds.
 */
#ifndef ONLY_UTF8_H
#define ONLY_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one sequence at s (n > 0 bytes left).  Returns its length (1-4)
 * with the code point in *cp, or 0 when the bytes are not valid UTF-8
 * (overlong forms, surrogates, code points above U+10FFFF, truncation).
 */
size_t	utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Encodes code point cp (below 0x110000; refusing surrogates is the
 * caller's) at out, which has room for 4 bytes.  Returns its length (1-4).
 * U+0000 is the one byte 0.
 */
size_t	utf8_encode(uint32_t cp, char *out);

#endif
