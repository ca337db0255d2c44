// catalog.mjs — the benchmark catalog as the peers see it: gen_catalog.py's
// Bunny "List Videos" pages (catalog/videos-*.json) merged with its
// editorial.json, plus the "more like this" lists.
//
// Used by the Eleventy peer (inside its timed build) and by bench/prepare
// for the Hugo peer (which gets the lists precomputed, as the "related
// precomputed" column of ../shared/reference/peers.md did).
//
// "More like this" (peers.md): the 12 videos sharing the most tags with a
// video, ties newest first, the video itself excluded.  A near-linear pass:
// an index from tag to videos (newest first), one score array reused for
// every video, top-12 kept by insertion instead of a full sort.
import fs from "node:fs";
import path from "node:path";

export const CATEGORIES = ["RAW", "ART", "VIP", "DUO", "SOLO"];
export const RELATED = 12;
export const HOME_ROW = 24;

// Loads DIR (gen_catalog.py's output).  Returns {videos, categories, tags,
// series}: videos newest first, each {guid, title, description, date
// (ISO), length, thumbnail, access, categories[lower], tags[], series
// (slug or null), season, episode, idx}.
export function loadCatalog(dir) {
	const catDir = path.join(dir, "catalog");
	const pages = fs.readdirSync(catDir).filter((f) => /^videos-\d+\.json$/.test(f)).sort();
	const items = [];
	for (const p of pages)
		for (const it of JSON.parse(fs.readFileSync(path.join(catDir, p), "utf8")).items)
			items.push(it);
	const ed = JSON.parse(fs.readFileSync(path.join(dir, "editorial.json"), "utf8"));
	// Newest first: dateUploaded is unique to the second, so this is total.
	items.sort((a, b) => (a.dateUploaded < b.dateUploaded ? 1 : a.dateUploaded > b.dateUploaded ? -1 : 0));
	const videos = items.map((it, idx) => {
		const e = ed.videos[it.guid] || { categories: [], tags: [], series: null, access: "vip" };
		return {
			idx,
			guid: it.guid,
			title: it.title,
			description: it.description || "",
			date: it.dateUploaded.slice(0, 19) + "Z",
			length: it.length,
			duration: fmtDuration(it.length),
			thumbnail: it.thumbnailFileName,
			access: e.access,
			categories: e.categories.map((c) => c.toLowerCase()),
			tags: e.tags,
			series: e.series ? e.series.id : null,
			season: e.series ? e.series.season : 0,
			episode: e.series ? e.series.episode : 0,
		};
	});
	const tagSet = new Set();
	for (const v of videos) for (const t of v.tags) tagSet.add(t);
	const tags = [...tagSet].sort();
	const series = Object.keys(ed.series).sort().map((slug) => ({ slug, title: ed.series[slug].title }));
	const categories = CATEGORIES.map((name) => ({ slug: name.toLowerCase(), name }));
	return { videos, categories, tags, series };
}

export function fmtDuration(s) {
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
	const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(sec).padStart(2, "0");
	return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

// Returns an array (by video idx) of arrays of up to RELATED video idx.
export function relatedLists(videos) {
	const n = videos.length;
	const tagIdx = new Map();
	for (const v of videos)
		for (const t of v.tags) {
			let l = tagIdx.get(t);
			if (!l) tagIdx.set(t, (l = []));
			l.push(v.idx);	/* videos are newest first: lists stay sorted */
		}
	const lists = new Map();
	for (const [t, l] of tagIdx) lists.set(t, Int32Array.from(l));
	const score = new Uint8Array(n);
	const touched = new Int32Array(n);
	const out = new Array(n);
	const bestI = new Int32Array(RELATED), bestS = new Int32Array(RELATED);
	for (const v of videos) {
		let nt = 0;
		for (const t of v.tags) {
			const l = lists.get(t);
			for (let k = 0; k < l.length; k++) {
				const u = l[k];
				if (score[u]++ === 0) touched[nt++] = u;
			}
		}
		let nb = 0;
		for (let k = 0; k < nt; k++) {
			const u = touched[k], s = score[u];
			score[u] = 0;
			if (u === v.idx) continue;
			// better = higher score, then newer (smaller idx)
			if (nb === RELATED && (s < bestS[nb - 1] || (s === bestS[nb - 1] && u > bestI[nb - 1])))
				continue;
			let j = nb < RELATED ? nb++ : nb - 1;
			while (j > 0 && (bestS[j - 1] < s || (bestS[j - 1] === s && bestI[j - 1] > u))) {
				bestS[j] = bestS[j - 1];
				bestI[j] = bestI[j - 1];
				j--;
			}
			bestS[j] = s;
			bestI[j] = u;
		}
		out[v.idx] = Array.from(bestI.subarray(0, nb));
	}
	return out;
}
