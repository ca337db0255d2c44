// The same-content Eleventy peer of `make bench` (issue 15 point 4): our
// watch page's content (themes/default/watch.mustache) as Nunjucks
// templates, for a byte comparison only.  Watch pages only; the timed
// Eleventy peer is bench/eleventy (peers.md's minimal page set).
// $BENCH_SAME is bench/prepare's same/ directory (--tools same): site.json
// (the site's settings, under "params") and videos.json (every field the
// page shows, as ours derives it).
import fs from "node:fs";
import path from "node:path";

const read = (dir, f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));

// ISO 8601 duration as ours writes it: PT1H2M3S, PT2M3S, PT3S
function isoDuration(s) {
	return "PT" + (s >= 3600 ? `${Math.floor(s / 3600)}H` : "") +
		(s >= 60 ? `${Math.floor(s / 60) % 60}M` : "") + `${s % 60}S`;
}

// JSON for a <script type="application/ld+json">: "<" escaped so that no
// string can close the element
const ldJson = (o) => JSON.stringify(o).replace(/</g, "\\u003c");

// The VideoObject and BreadcrumbList of a watch page, the fields ours writes
function videoLd(v, site) {
	const free = v.access === "public";
	const o = {
		"@context": "https://schema.org", "@type": "VideoObject", name: v.title,
		description: v.description || v.title, thumbnailUrl: [site.base_url + v.img + "-1280.jpg"],
		uploadDate: v.date, duration: isoDuration(v.length), embedUrl: `${site.base_url}/e/${v.guid}/`,
	};
	if (v.views > 0)
		o.interactionStatistic = { "@type": "InteractionCounter", interactionType: { "@type": "WatchAction" },
			userInteractionCount: v.views };
	o.isAccessibleForFree = free;
	if (!free)
		o.hasPart = [{ "@type": "WebPageElement", isAccessibleForFree: false, cssSelector: ".paywall" }];
	return ldJson(o);
}

function crumbsLd(v, site) {
	const items = [{ "@type": "ListItem", position: 1, name: "Home", item: site.base_url + "/" }];
	if (v.series)
		items.push({ "@type": "ListItem", position: 2, name: v.series.title,
			item: `${site.base_url}/s/${v.series.slug}/` });
	else if (v.categories.length)
		items.push({ "@type": "ListItem", position: 2, name: site.category_names[v.categories[0]],
			item: `${site.base_url}/c/${v.categories[0]}/` });
	items.push({ "@type": "ListItem", position: items.length + 1, name: v.title });
	return ldJson({ "@context": "https://schema.org", "@type": "BreadcrumbList", itemListElement: items });
}

export default function (eleventyConfig) {
	const dir = process.env.BENCH_SAME;
	if (!dir)
		throw new Error("set BENCH_SAME to bench/prepare's same/ directory");
	eleventyConfig.addGlobalData("site", () => read(dir, "site.json").params);
	eleventyConfig.addGlobalData("videos", () => {
		const videos = read(dir, "videos.json");
		const byGuid = new Map(videos.map((v) => [v.guid, v]));
		for (const v of videos) {
			v.related = v.related.map((g) => byGuid.get(g));
			if (v.prev) v.prev = byGuid.get(v.prev);
			if (v.next) v.next = byGuid.get(v.next);
		}
		return videos;
	});
	eleventyConfig.addFilter("videoLd", videoLd);
	eleventyConfig.addFilter("crumbsLd", crumbsLd);
	eleventyConfig.addFilter("tagName", (slug) => slug.replaceAll("-", " "));
	return {
		dir: { input: "site", includes: "_includes", output: "_site" },
		templateFormats: ["njk"],
		htmlTemplateEngine: "njk",
	};
}
