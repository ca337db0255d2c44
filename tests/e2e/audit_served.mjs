// audit_served.mjs — the site as `make run` serves it (startStack: lighttpd
// with conf/lighttpd.conf, the verifier, the CDN stand-in), over HTTP:
//   - links: a crawl from / (and /sitemap.xml, /feed.xml) through every
//     href, src, srcset, poster and data-* URL of every page (and the Embed
//     snippet's <iframe src>, shown as text on watch pages); each URL of
//     the site must answer 200.  Root-relative URLs and absolute URLs of
//     the served origin are followed; an absolute URL of another loopback
//     origin (a base_url that does not follow PORT) counts as broken;
//     other hosts (the CDN stand-in included) are not the site's;
//   - HTML: every crawled page passes tests/site/htmlcheck.py (the embed
//     pages /e/<guid>/ too: the watch pages' snippets lead there);
//   - compression: pages, CSS, JS, JSON, XML come back br / gzip as asked,
//     identity when not asked; images never; /api/* never (and keeps its
//     Set-Cookie and Cache-Control: no-store);
//   - /favicon.ico and the linked SVG icon answer;
//   - /api/session without a cookie: 200, nothing unlocked.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startStack, ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

/** One request: { status, headers, body (decoded Buffer) }. */
function get(url, { method = 'GET', headers = {}, body = null } = {}) {
  return new Promise((resolve, reject) => {
    const rq = http.request(url, { method, headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        let buf = Buffer.concat(parts);
        const enc = res.headers['content-encoding'];
        try {
          if (enc === 'gzip') buf = zlib.gunzipSync(buf);
          else if (enc === 'br') buf = zlib.brotliDecompressSync(buf);
          else if (enc === 'deflate') buf = zlib.inflateSync(buf);
        } catch (e) { reject(new Error(`${url}: bad ${enc} body: ${e.message}`)); return; }
        resolve({ status: res.statusCode, headers: res.headers, body: buf });
      });
    });
    rq.on('error', reject);
    rq.end(body);
  });
}

// data-prefix and data-suffix (search.mustache) are pieces of URLs the script joins, not URLs.
const ATTR = /\s(?:href|src|poster|data-(?!prefix=|suffix=)[a-z-]+)="([^"]*)"/g;
const SRCSET = /\ssrcset="([^"]*)"/g;
const LOC = /<loc>([^<]*)<\/loc>|<link[^>]*href="([^"]*)"/g;
// the watch page's Embed snippet, shown as text: the <iframe src> a third-party page would use
const SNIPPET = /<textarea id="embed-code"[^>]*>&lt;iframe src=&quot;([^&]*)&quot;/g;
const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

/** URLs a page points at (only things that look like URLs or paths). */
function urlsOf(text, isXml) {
  const out = [];
  if (isXml) {
    for (const m of text.matchAll(LOC)) out.push(m[1] || m[2]);
    return out.map(unescape);
  }
  for (const m of text.matchAll(ATTR)) out.push(m[1]);
  for (const m of text.matchAll(SNIPPET)) out.push(m[1]);
  for (const m of text.matchAll(SRCSET)) for (const c of m[1].split(',')) out.push(c.trim().split(/\s+/)[0]);
  return out.map(unescape).filter((u) => /^(\/|https?:\/\/)/.test(u));
}

const stack = await startStack();
const tmp = mkdtempSync(path.join(tmpdir(), 'onlymatt-served-'));
try {
  const origin = new URL(stack.url).origin;
  const cdn = new URL(stack.cdn).origin;

  // --- links and HTML ---------------------------------------------------------
  const seen = new Map();          // path -> status
  const broken = [];
  const foreign = new Set();
  const pages = [];
  const todo = ['/', '/sitemap.xml', '/feed.xml', '/robots.txt'].map((p) => ({ p, from: '(start)' }));
  while (todo.length) {
    const { p, from } = todo.pop();
    if (seen.has(p)) continue;
    const r = await get(origin + p);
    seen.set(p, r.status);
    if (r.status !== 200) { broken.push(`${p} -> ${r.status} (from ${from})`); continue; }
    const ct = r.headers['content-type'] || '';
    const isHtml = ct.startsWith('text/html');
    const isXml = /xml/.test(ct);
    if (!isHtml && !isXml) continue;
    const text = r.body.toString('utf8');
    if (isHtml) {
      const f = path.join(tmp, `page-${pages.length}.html`);
      writeFileSync(f, text);
      pages.push({ f, p });
    }
    for (const u of urlsOf(text, isXml)) {
      const abs = new URL(u, origin + p);
      if (abs.origin === cdn) continue;                      // the CDN stand-in: not the site
      if (abs.origin !== origin) {
        if (/^(127\.|localhost$|\[::1\]$)/.test(abs.hostname)) {
          foreign.add(abs.origin);
          broken.push(`${u} (from ${p}): another origin than the served ${origin}`);
        }
        continue;
      }
      if (abs.pathname.startsWith('/api/')) continue;         // the verifier: checked below
      if (!seen.has(abs.pathname + abs.search)) todo.push({ p: abs.pathname + abs.search, from: p });
    }
  }
  const uniq = [...new Set(broken)];
  check(uniq.length === 0, `links: ${seen.size} URLs of the site crawled from /, the sitemap and the feed; 0 broken`,
    uniq.slice(0, 30).join('\n') + (uniq.length > 30 ? `\n... ${uniq.length - 30} more` : '') +
    (foreign.size ? `\nlinks to ${[...foreign].join(', ')}: base_url does not follow the served port` : ''));
  check(pages.length >= 20, `the crawl reached the site's pages (${pages.length} HTML pages)`);
  const embeds = pages.filter((x) => x.p.startsWith('/e/')).length;
  check(embeds > 0, `the crawl reached the embed pages /e/<guid>/ (${embeds}, through the watch pages' snippets)`);
  let html = '';
  try {
    execFileSync('python3', [path.join(ROOT, 'tests/site/htmlcheck.py'), ...pages.map((x) => x.f)], { encoding: 'utf8' });
  } catch (e) {
    html = (e.stdout || e.message).split('\n').filter(Boolean).map((l) => {
      const m = pages.find((x) => l.startsWith(x.f));
      return m ? l.replace(m.f, m.p) : l;
    }).join('\n');
  }
  check(html === '', `HTML: all ${pages.length} served pages well-formed (htmlcheck.py)`, html);

  // --- compression ------------------------------------------------------------
  const home = (await get(origin + '/')).body.toString('utf8');
  const css = home.match(/href="(\/assets\/site\.[0-9a-f]+\.css)"/)[1];
  const js = home.match(/src="(\/assets\/site\.[0-9a-f]+\.js)"/)[1];
  const img = home.match(/src="(\/img\/[^"]+\.webp)"/)[1];
  for (const [what, p] of [['a page', '/'], ['site.css', css], ['site.js', js], ['search/meta.json', '/search/meta.json'], ['a term shard', '/search/t/0.json'],
    ['feed.xml', '/feed.xml'], ['the 404 page', '/no-such-page/']]) {
    const plain = await get(origin + p);
    const gz = await get(origin + p, { headers: { 'Accept-Encoding': 'gzip' } });
    const br = await get(origin + p, { headers: { 'Accept-Encoding': 'br, gzip' } });
    check(gz.headers['content-encoding'] === 'gzip' && br.headers['content-encoding'] === 'br' &&
      !plain.headers['content-encoding'] && gz.body.equals(plain.body) && br.body.equals(plain.body) &&
      /accept-encoding/i.test(gz.headers.vary || ''),
    `compression: ${what} (${p}) gzip or br as asked, identity otherwise, same bytes, Vary: Accept-Encoding`,
    JSON.stringify({ plain: plain.headers['content-encoding'], gzip: gz.headers['content-encoding'],
      br: br.headers['content-encoding'], vary: gz.headers.vary }));
  }
  const im = await get(origin + img, { headers: { 'Accept-Encoding': 'br, gzip' } });
  check(im.status === 200 && !im.headers['content-encoding'], `compression: never for an image (${img})`,
    im.headers['content-encoding']);

  // --- the API stays uncompressed, its headers intact -------------------------
  const ae = { 'Accept-Encoding': 'br, gzip' };
  const s = await get(origin + '/api/session', { headers: ae });
  let sj = {};
  try { sj = JSON.parse(s.body.toString('utf8')); } catch { /* checked below */ }
  check(s.status === 200 && sj.cookie === false && Array.isArray(sj.unlocks) && sj.unlocks.length === 0 &&
    !s.headers['set-cookie'], '/api/session without a cookie: 200, cookie false, nothing unlocked',
  `${s.status} ${s.body}`);
  check(!s.headers['content-encoding'] && s.headers['cache-control'] === 'no-store',
    '/api/session: not compressed, Cache-Control: no-store', JSON.stringify(s.headers));
  const red = await get(origin + '/api/redeem', { method: 'POST', headers: { ...ae, 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: stack.codes.VIP_CODE }) });
  const cookie = (red.headers['set-cookie'] || [''])[0].split(';')[0];
  check(red.status === 200 && cookie.startsWith('access_token=') && !red.headers['content-encoding'] &&
    red.headers['cache-control'] === 'no-store',
  '/api/redeem (asked for br/gzip): 200, Set-Cookie, no-store, not compressed', JSON.stringify(red.headers));
  const s2 = await get(origin + '/api/session', { headers: { ...ae, Cookie: cookie } });
  check(s2.status === 200 && JSON.parse(s2.body.toString('utf8')).level === 'vip',
    '/api/session with the cookie: the VIP unlock', s2.body.toString('utf8'));
  const pub = stack.videos.find((v) => v.access === 'public');
  const play = await get(`${origin}/api/play/${pub.guid}`, { headers: ae });
  check(play.status === 200 && !play.headers['content-encoding'] && /"url":"http/.test(play.body.toString('utf8')),
    '/api/play for a public video: 200, a signed URL, not compressed', `${play.status} ${play.body}`);

  // --- favicon ------------------------------------------------------------------
  const ico = await get(origin + '/favicon.ico');
  check(ico.status === 200 && ico.headers['content-type'] === 'image/x-icon' &&
    ico.body.subarray(0, 4).equals(Buffer.from([0, 0, 1, 0])), '/favicon.ico: 200, an ICO',
  `${ico.status} ${ico.headers['content-type']}`);
  const icon = home.match(/<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/);
  const svg = icon && await get(origin + icon[1]);
  check(svg && svg.status === 200 && svg.headers['content-type'] === 'image/svg+xml' &&
    svg.body.toString('utf8').startsWith('<svg'), 'every page links the SVG icon, served as image/svg+xml',
  icon ? icon[1] : 'no <link rel="icon">');
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await stack.stop();
}
process.exit(failures() ? 1 : 0);
