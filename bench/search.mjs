// bench/search.mjs SITE N OUT.tsv VARDIR — the search page of a built site
// in headless Chromium, served by lighttpd with conf/lighttpd.conf
// (scripts/serve: mod_deflate, gzip asked for), one cold browser context
// per scenario:
//   word     /search/?q=WORD              a typical one-word query
//   prefix2  /search/?q=WORD+PRE          two words, the last one a prefix
//   browse   /search/?access=0            a filter with no query
// For each: the bytes of search index files transferred (encodedBodySize,
// as compressed on the wire), how many were fetched, the time from
// navigation start to the first result card (a cold page opened with the
// query in its URL), and the time from typing the query (Enter) or
// clicking the filter to the first card on a loaded page that fetched
// meta.json on focus.  Appends rows
//   N  scenario  bytes  files  ms-from-navigation  results  ms-from-typing
// to OUT.tsv, then one row "N largest BYTES GZ_BYTES PATH" for the
// largest search file.  Exit 0, or 1 when a scenario showed no result.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [site, n, out, vardir] = process.argv.slice(2);
if (!site || !n || !out || !vardir) {
  console.error('usage: bench/search.mjs SITE N OUT.tsv VARDIR');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORD = process.env.BENCH_SEARCH_WORD || 'golden';
const PREFIX2 = process.env.BENCH_SEARCH_PREFIX2 || 'golden ho';

const port = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});
mkdirSync(vardir, { recursive: true });
const pidfile = join(vardir, 'search-bench.pid');
execFileSync(join(root, 'scripts/serve'), ['--daemon', '--pidfile', pidfile, '--site', site, '--var', vardir,
  '--port', String(port), '--logdir', vardir], { stdio: ['ignore', 'ignore', 'inherit'] });

let failed = 0, browser = null;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
  const scenarios = [
    ['word', '?q=' + encodeURIComponent(WORD)],
    ['prefix2', '?q=' + encodeURIComponent(PREFIX2)],
    ['browse', '?access=0'],
  ];
  for (const [name, qs] of scenarios) {
    const ctx = await browser.newContext({ extraHTTPHeaders: { 'Accept-Encoding': 'gzip' } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, o) => {
        if (document.querySelector('#results li')) { window.__first = performance.now(); o.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`http://127.0.0.1:${port}/search/${qs}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__first !== undefined ||
      /No videos|unavailable/.test(document.getElementById('search-status').textContent), null, { timeout: 30000 })
      .catch(() => {});
    await page.waitForLoadState('networkidle').catch(() => {});
    const r = await page.evaluate(() => {
      const files = performance.getEntriesByType('resource')
        .filter((e) => /\/search\/.*\.json$/.test(new URL(e.name).pathname));
      return {
        bytes: files.reduce((a, e) => a + e.encodedBodySize, 0),
        files: files.length,
        ms: window.__first,
        results: document.querySelectorAll('#results li').length,
      };
    });
    if (!r.results) failed = 1;
    await ctx.close();

    // typed: a loaded page whose meta.json came on focus, the query typed
    // (Enter: no as-you-type delay) or the filter clicked; nothing else cached
    const ctx2 = await browser.newContext({ extraHTTPHeaders: { 'Accept-Encoding': 'gzip' } });
    const p2 = await ctx2.newPage();
    await p2.goto(`http://127.0.0.1:${port}/search/`, { waitUntil: 'load' });
    await p2.focus('#q');
    await p2.waitForFunction(() => document.querySelectorAll('#tag option').length > 1, null, { timeout: 30000 }).catch(() => {});
    // in the page, so the driver's own latency is not measured
    await p2.evaluate(([browse, q]) => {
      new MutationObserver((_, o) => {
        if (document.querySelector('#results li')) { window.__typed = performance.now() - window.__t0; o.disconnect(); }
      }).observe(document.getElementById('results'), { childList: true });
      window.__t0 = performance.now();
      if (browse) document.querySelector('input[name=access][value="0"]').click();
      else {
        const i = document.getElementById('q');
        i.value = q;
        i.form.requestSubmit();
      }
    }, [name === 'browse', new URLSearchParams(qs).get('q')]);
    await p2.waitForFunction(() => window.__typed !== undefined, null, { timeout: 30000 }).catch(() => {});
    const typed = await p2.evaluate(() => window.__typed);
    await ctx2.close();
    const f = (x) => (x === undefined ? '-' : x.toFixed(0));
    appendFileSync(out, [n, name, r.bytes, r.files, f(r.ms), r.results, f(typed)].join('\t') + '\n');
    console.error(`search bench N=${n} ${name}: ${r.bytes} B in ${r.files} files, first result ${f(r.ms)} ms ` +
      `from navigation, ${f(typed)} ms from typing`);
  }
  // the largest search file, raw and gzipped
  let big = null;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.json')) { const s = statSync(p).size; if (!big || s > big.s) big = { p, s }; }
    }
  };
  walk(join(site, 'search'));
  if (big) {
    const gz = gzipSync(readFileSync(big.p), { level: 6 }).length;
    appendFileSync(out, [n, 'largest', big.s, gz, relative(site, big.p), ''].join('\t') + '\n');
  }
} catch (e) {
  console.error(String(e && e.stack || e));
  failed = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  execFileSync(join(root, 'scripts/serve'), ['--stop', '--pidfile', pidfile]);
}
process.exit(failed);
