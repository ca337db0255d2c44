/*
 * utf8.h — one strict UTF-8 decoder shared by every module that must not
 * pass broken text on (the generator's escapers and catalog string repair,
 * the verifier's JSON answers).
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

#endif
