// related-cli.mjs DATA OUT.json — writes {guid: [guid x12]} for bench/prepare
// (the Hugo peer gets "more like this" precomputed).
import fs from "node:fs";
import { loadCatalog, relatedLists } from "./catalog.mjs";

if (process.argv.length !== 4) {
	console.error("usage: related-cli.mjs DATA OUT.json");
	process.exit(2);
}
const { videos } = loadCatalog(process.argv[2]);
const rel = relatedLists(videos);
const out = {};
for (const v of videos) out[v.guid] = rel[v.idx].map((i) => videos[i].guid);
fs.writeFileSync(process.argv[3], JSON.stringify(out));
