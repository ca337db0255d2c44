// embed.mjs — the embeddable player page /e/<guid>/ (issue 14) in headless
// Chromium against the `make run` stack (lighttpd, the real verifier, the
// CDN stand-in), framed by a page from ANOTHER site (a tiny server on
// http://localhost:<port>, while the stack is http://127.0.0.1:<port>):
//   1. headers: /e/ may be framed by anyone (CSP frame-ancestors *, no
//      X-Frame-Options); the watch page and the home page stay DENY
//   2. a public video's embed plays inside the third-party <iframe>
//      (through /api/play, with no cookie)
//   3. a locked video's embed, with a VIP cookie set in the browser: the
//      poster and "Watch on <site>" (new tab, noopener) to the watch page,
//      and no <video>, no script, no /api/play request, top-level or framed
//   4. the watch page framed by the other site: Chromium refuses it
//   5. the watch page's Embed disclosure: Copy puts the snippet on the
//      clipboard; its src is the embed URL; ?t=<s> starts playback there
// Screenshots (embed public, embed locked, the framing page, the watch page
// with the disclosure open) at 1440x900 and 390x844 go to $ARTIFACTS/embed/.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, waitForPlayback } from './lib/browser.mjs';
import { freePort, startStack, ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'embed');
mkdirSync(SHOTS, { recursive: true });
const SIZES = [{ name: 'desktop', width: 1440, height: 900 }, { name: 'mobile', width: 390, height: 844 }];
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name) });
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The other site: /frame?src=URL is a page with that URL in an <iframe>. */
async function startHost() {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://localhost');
    const src = u.searchParams.get('src') || '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px sans-serif;margin:1rem;background:#f4f1ea;color:#222}iframe{width:min(100%,640px);aspect-ratio:16/9;height:auto;display:block}</style>
</head><body><h1>A blog post on another site</h1><p>Here is the video:</p>
<iframe id="player" src="${esc(src)}" width="640" height="360" title="Embedded video" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>
<p>Text after the video.</p></body></html>`);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://localhost:${port}`, stop: () => new Promise((r) => server.close(r)) };
}

let stack, host, browser;
try {
  stack = await startStack();
  host = await startHost();
  const { codes } = stack;
  const pub = stack.videos.find((v) => v.access === 'public' && v.length >= 8);
  const locked = codes.VIP_VIDEO;
  check(pub && locked, 'stack up: a public video and a VIP one', JSON.stringify({ pub, locked }));
  const embedPub = `${stack.url}/e/${pub.guid}/`;
  const embedLocked = `${stack.url}/e/${locked}/`;
  const watchPub = `${stack.url}/v/${pub.guid}/`;

  // 1. headers
  const hdr = async (u) => { const r = await fetch(u); await r.arrayBuffer(); return r; };
  for (const [u, what] of [[embedPub, 'public'], [embedLocked, 'locked']]) {
    const r = await hdr(u);
    const csp = r.headers.get('content-security-policy') || '';
    check(r.status === 200 && r.headers.get('x-frame-options') === null && /frame-ancestors \*(;|$)/.test(csp) &&
      !/frame-ancestors 'none'/.test(csp), `/e/ (${what}): framable by any site (frame-ancestors *, no X-Frame-Options)`,
    `${r.status} xfo=${r.headers.get('x-frame-options')} csp=${csp}`);
    check(/script-src 'self'/.test(csp) && r.headers.get('x-content-type-options') === 'nosniff',
      `/e/ (${what}): the rest of the policy is kept`, csp);
  }
  for (const u of [watchPub, `${stack.url}/`, `${stack.url}/v/${locked}/`]) {
    const r = await hdr(u);
    check(r.headers.get('x-frame-options') === 'DENY' &&
      /frame-ancestors 'none'/.test(r.headers.get('content-security-policy') || ''),
    `${u.slice(stack.url.length)}: not framable (X-Frame-Options DENY, frame-ancestors 'none')`);
  }

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: CHROMIUM_ARGS });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const plays = [];
    ctx.on('request', (r) => { if (r.url().includes('/api/play/')) plays.push(r.url()); });
    const page = await ctx.newPage();

    // 2. the public embed, framed by the other site, plays
    await page.goto(`${host.url}/frame?src=${encodeURIComponent(embedPub)}`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f.url() === embedPub);
    check(!!frame, `${tag}: the other site's page frames the public embed page`, page.frames().map((f) => f.url()).join(' '));
    if (frame) {
      await frame.waitForSelector('#play:not([hidden])', { timeout: 10000 }).catch(() => {});
      check(await frame.isVisible('#play'), `${tag}: embed: the Play button shows`);
      await shot(page, `framed-public-${size.name}.png`);
      await frame.click('#play');
      try {
        const { before, after } = await waitForPlayback(frame, { selector: '#video' });
        check(after > before, `${tag}: the public video plays inside the third-party iframe (${before.toFixed(2)} -> ${after.toFixed(2)} s)`);
      } catch (e) {
        check(false, `${tag}: the public video plays inside the third-party iframe`, e.message);
      }
      check(plays.some((u) => u.endsWith(`/api/play/${pub.guid}`)), `${tag}: it asked /api/play`, plays.join(' '));
    }

    // the embed pages on their own (screenshots)
    await page.goto(embedPub, { waitUntil: 'load' });
    await shot(page, `embed-public-${size.name}.png`);
    const pb = await page.locator('.player').boundingBox();
    check(pb && Math.abs(pb.width - size.width) < 1 && Math.abs(pb.height - size.height) < 1,
      `${tag}: the player fills the frame (no chrome)`, JSON.stringify(pb));

    // 3. a locked embed never plays, even with a VIP cookie
    await page.goto(`${stack.url}/code/`);
    const st = await page.evaluate((code) => fetch('/api/redeem', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }),
    }).then((r) => r.status), codes.VIP_CODE);
    const cookies = await ctx.cookies(stack.url);
    check(st === 200 && cookies.length > 0, `${tag}: a VIP code redeemed: the browser holds the access cookie`, String(st));
    plays.length = 0;
    const scripts = [];
    page.on('request', (r) => { if (r.resourceType() === 'script' || r.resourceType() === 'media') scripts.push(r.url()); });
    await page.goto(embedLocked, { waitUntil: 'networkidle' });
    const cta = page.locator('a.embed-cta');
    check(await cta.isVisible() && (await cta.textContent()).startsWith('Watch on '),
      `${tag}: locked embed: "Watch on <site>"`, await cta.textContent().catch(() => ''));
    check(await cta.getAttribute('href') === `${stack.url}/v/${locked}/` && await cta.getAttribute('target') === '_blank' &&
      (await cta.getAttribute('rel') || '').includes('noopener'), `${tag}: it opens the watch page in a new tab, noopener`);
    const poster = await page.$eval('img.embed-poster', (i) => ({ ok: i.complete && i.naturalWidth > 0, src: i.currentSrc }));
    check(poster.ok && poster.src.includes('/img/'), `${tag}: locked embed: the poster shows`, JSON.stringify(poster));
    check(await page.$('video') === null && await page.$('script') === null && plays.length === 0 && scripts.length === 0,
      `${tag}: locked embed with a VIP cookie: no <video>, no script, no /api/play`, `${plays} ${scripts}`);
    await shot(page, `embed-locked-${size.name}.png`);
    await page.goto(`${host.url}/frame?src=${encodeURIComponent(embedLocked)}`, { waitUntil: 'networkidle' });
    const lf = page.frames().find((f) => f.url() === embedLocked);
    check(!!lf && await lf.isVisible('a.embed-cta') && await lf.$('video') === null && plays.length === 0,
      `${tag}: framed by the other site: the same, nothing plays`);
    await shot(page, `framed-locked-${size.name}.png`);

    // 4. the watch page cannot be framed
    await page.goto(`${host.url}/frame?src=${encodeURIComponent(watchPub)}`, { waitUntil: 'load' });
    await page.waitForTimeout(500);
    let framed = false;
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      framed ||= await f.evaluate(() => !!document.querySelector('#watch')).catch(() => false);
    }
    check(!framed, `${tag}: Chromium refuses to frame the watch page for another site`,
      page.frames().map((f) => f.url()).join(' '));

    // 5. the Embed disclosure: copy, src; ?t=
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await page.goto(watchPub, { waitUntil: 'load' });
    check(await page.locator('#embed-code').isHidden(), `${tag}: the Embed disclosure starts closed`);
    await page.click('#embed-share summary');
    await page.locator('#embed-code').scrollIntoViewIfNeeded();
    check(await page.isVisible('#embed-copy'), `${tag}: Copy shows (with JavaScript)`);
    await page.click('#embed-copy');
    await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('embed-msg').textContent),
      null, { timeout: 5000 }).catch(() => {});
    const value = await page.inputValue('#embed-code');
    const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => null);
    const sel = await page.$eval('#embed-code', (t) => [t.selectionStart, t.selectionEnd, t.value.length]);
    check(clip === value || (sel[0] === 0 && sel[1] === sel[2]),
      `${tag}: Copy puts the snippet on the clipboard (or selects it)`, `clip=${clip} sel=${sel}`);
    const src = (value.match(/^<iframe src="([^"]+)"/) || [])[1];
    check(src === embedPub && /><\/iframe>$/.test(value), `${tag}: the snippet is an <iframe> of the embed URL`, value);
    await shot(page, `watch-embed-open-${size.name}.png`);
    await page.goto(`${watchPub}?t=5`, { waitUntil: 'load' });
    await page.click('#play');
    const at = await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return v && v.currentTime >= 5 && !v.paused ? v.currentTime : false;
    }, null, { timeout: 20000, polling: 100 }).then((h) => h.jsonValue()).catch(() => 0);
    check(at >= 5, `${tag}: ?t=5 starts playback at 5 s (${Number(at).toFixed(2)})`);
    await ctx.close();
  }
} catch (e) {
  check(false, 'embed e2e ran to the end', e.stack);
} finally {
  if (browser) await browser.close();
  if (host) await host.stop();
  if (stack) await stack.stop();
}
process.exit(failures() ? 1 : 0);
