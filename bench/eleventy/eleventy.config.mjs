// The Eleventy peer of `make bench`: the page set of issue 7 / peers.md,
// read straight from gen_catalog.py's output ($BENCH_DATA) and merged, with
// "more like this" computed here (bench/lib/catalog.mjs), inside the timed
// build.  Plain Nunjucks templates in site/.
import { loadCatalog, relatedLists, HOME_ROW } from "../lib/catalog.mjs";

export default function (eleventyConfig) {
	const dir = process.env.BENCH_DATA;
	if (!dir)
		throw new Error("set BENCH_DATA to gen_catalog.py's output directory");
	eleventyConfig.addGlobalData("cat", () => {
		const c = loadCatalog(dir);
		const rel = relatedLists(c.videos);
		const by = (key) => {
			const m = {};
			for (const v of c.videos)
				for (const k of [].concat(v[key] || []))
					(m[k] ||= []).push(v);
			return m;
		};
		const byCat = by("categories"), byTag = by("tags"), bySeries = by("series");
		const seriesTitle = {};
		for (const s of c.series) seriesTitle[s.slug] = s.title;
		for (const v of c.videos) {
			v.related = rel[v.idx].map((i) => c.videos[i]);
			v.seriesTitle = v.series ? seriesTitle[v.series] : "";
		}
		return {
			videos: c.videos,
			home: c.categories.map((k) => ({ ...k, videos: (byCat[k.slug] || []).slice(0, HOME_ROW) })),
			categories: c.categories.map((k) => ({ ...k, title: k.name, videos: byCat[k.slug] || [] })),
			tags: c.tags.map((t) => ({ slug: t, title: t, videos: byTag[t] })),
			series: c.series.map((s) => ({ ...s, videos: bySeries[s.slug] || [] })),
			search: JSON.stringify(c.videos.map((v) => ({ guid: v.guid, title: v.title, date: v.date.slice(0, 10),
				length: v.length, access: v.access, categories: v.categories, tags: v.tags }))),
		};
	});
	return {
		dir: { input: "site", includes: "_includes", output: "_site" },
		templateFormats: ["njk"],
		htmlTemplateEngine: "njk",
	};
}
