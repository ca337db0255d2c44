/*
 * site_cards.h — a video's card, the unit of every list: the builders of
 * site_data*.c put cards through card() and add_cards().  Internal to
 * generator/site.  site_card_texts(), which the build calls once (the
 * cards' texts and keys), is declared in site_int.h.
 */
#ifndef ONLY_SITE_CARDS_H
#define ONLY_SITE_CARDS_H

#include <stddef.h>

#include "access_level.h"
#include "model.h"
#include "site_int.h"
#include "site_pd.h"

/* The level a video is shown with: an unknown one is shown as VIP. */
static inline enum access_level
level(const struct video *v)
{
	return v->access <= ACCESS_PPV ? v->access : ACCESS_VIP;
}

/*
 * Card i into o, plus "eager" (the image loads eagerly); 0 or -1.
 * add_cards() pushes the cards of list[from, to) onto the array arr
 * (list NULL: the videos from..to themselves).
 */
int	card(const struct site_ctx *c, size_t i, int eager, struct pd *o);
int	add_cards(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from,
	    size_t to, int eager);
/*
 * The same, the cards made while the page renders (tmpl.h: struct
 * tmpl_lazy) when it is rendered into an arena: the same page, the same
 * key, without the page's cards all in memory at once.  list NULL: the
 * videos from..to themselves (New).  For lists of many cards (a list
 * page); 0 or -1.
 */
int	add_cards_lazy(const struct site_ctx *c, struct pd *arr, const size_t *list, size_t from,
	    size_t to, int eager);
/*
 * Keying o: k = the cards of list[from, to) by their keys alone (each
 * covers its URL; c->vcard), each video noted as read: what a field made
 * of those videos' URLs in that order depends on, with the base URL (a
 * list's ItemList, site_jsonld.c).  1 mixed; 0 when the build has no card
 * keys (the caller mixes the field's bytes, in both passes alike).
 */
int	card_keys_mix(const struct site_ctx *c, const struct pd *o, const char *k,
	    const size_t *list, size_t from, size_t to);

#endif
