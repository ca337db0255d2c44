// site.mjs — the generated site in a real headless Chromium, served by
// lighttpd on 127.0.0.1: rows with cards, arrows that scroll, keyboard
// reaching every card, watch pages (player / code form), code-entry
// messages (verifier answers simulated with page.route), search, browsing
// with JavaScript off, and the hostile fixture titles rendering as text
// (no injected element, no dialog).  Screenshots go to $ARTIFACTS.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFixtureSite } from './lib/fixture_site.mjs';

const root = process.env.ROOT || process.cwd();
const artifacts = process.env.ARTIFACTS || join(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });
let failed = 0;
const ok = (cond, what, detail) => {
  if (cond) console.log(`ok - ${what}`);
  else { failed++; console.log(`not ok - ${what}`); if (detail !== undefined) console.log(`#   ${detail}`); }
};

const HOSTILE = '</script><img src=x onerror=alert(1)>';
const PUBLIC_HOSTILE = 'bdd640fb-0667-4ad1-9c80-317fa3b1799d';
const VIP = '23b8c1e9-3924-46de-beb1-3b9046685257';

let site = null, browser = null, userDir = null;
try {
  site = await serveFixtureSite('site-e2e-');
  const base = site.base;

  userDir = mkdtempSync(join(tmpdir(), 'chromium-'));
  browser = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  const dialogs = [], errors = [], requests = [];
  const page = browser.pages()[0] || await browser.newPage();
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('request', r => requests.push(r.url()));
  const cspViolations = [];
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  // The CDN is not reachable in tests: answer thumbnails with nothing.
  await page.route(/b-cdn\.net/, r => r.fulfill({ status: 204, body: '' }));

  const injected = () => page.evaluate(() =>
    document.querySelectorAll('img[src="x"], svg[onload], [onerror]:not(img[src^="http"])').length);

  // --- home ---------------------------------------------------------------
  await page.goto(base + '/', { waitUntil: 'load' });
  const rows = await page.$$eval('section.row[data-row]:not([hidden])', rs => rs.map(r => ({
    title: r.querySelector('h2').textContent, cards: r.querySelectorAll('.card').length })));
  ok(rows.map(r => r.title).join('|') === 'New|Free to watch|Series|RAW|ART & <Co>' && rows.every(r => r.cards > 0),
    'home shows New, Free to watch, Series and every category row, with cards', JSON.stringify(rows));
  ok(await page.$('.hero h2') !== null, 'home has a hero');
  ok(await injected() === 0, 'no injected element on the home page');
  const hostileCard = await page.$$eval('.card-title', ts => ts.map(t => t.textContent));
  ok(hostileCard.includes(HOSTILE), 'hostile title shown as text on a card');
  ok(!requests.some(u => /\/assets\/hls\./.test(u)), 'home does not load hls.js');
  await page.screenshot({ path: join(artifacts, 'site-home.png'), fullPage: true });

  // arrows
  const arrowsShown = await page.$eval('#row-raw-h', h => !h.closest('section').querySelector('.row-arrows').hidden);
  ok(arrowsShown, 'row arrows shown once the script runs');
  const before = await page.$eval('#row-raw', t => t.scrollLeft);
  await page.click('section[aria-labelledby="row-raw-h"] button[data-dir="1"]');
  await page.waitForFunction(() => document.getElementById('row-raw').scrollLeft > 100, null, { timeout: 10000 }).catch(() => {});
  const after = await page.$eval('#row-raw', t => t.scrollLeft);
  ok(after > before + 100, `the next arrow scrolls the row by most of a view (${before} -> ${after})`);

  // keyboard reaches every card
  const cardLinks = await page.$$eval('section.row:not([hidden]) .card > a', as => as.map(a => a.getAttribute('href') + '|' + a.closest('ul').id));
  const reached = new Set();
  await page.focus('body');
  for (let i = 0; i < cardLinks.length + 40 && reached.size < cardLinks.length; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.matches('.card > a') ? a.getAttribute('href') + '|' + a.closest('ul').id : null;
    });
    if (f) reached.add(f);
  }
  ok(cardLinks.every(c => reached.has(c)), `keyboard reaches every card (${reached.size}/${cardLinks.length})`);

  // --- watch pages ----------------------------------------------------------
  await page.goto(`${base}/v/${PUBLIC_HOSTILE}/`, { waitUntil: 'load' });
  ok(await page.isVisible('#video') && await page.isVisible('#play'), 'public watch page shows the player and Play');
  ok(await page.$('#code-form') === null, 'public watch page has no code form');
  ok(await page.$eval('h1', h => h.textContent) === HOSTILE, 'hostile title is the text of the h1');
  const ld = await page.$eval('script[type="application/ld+json"]', s => JSON.parse(s.textContent));
  ok(ld.name === HOSTILE && ld['@type'] === 'VideoObject', 'JSON-LD parses and carries the title as data');
  ok(await injected() === 0, 'no injected element on the hostile watch page');
  // issue 14: every JSON-LD block parses; the breadcrumb and the embed snippet carry the title as data
  const lds = await page.$$eval('script[type="application/ld+json"]', ss => ss.map(s => JSON.parse(s.textContent)));
  const crumbs = lds.find(d => d['@type'] === 'BreadcrumbList');
  ok(lds.length === 2 && crumbs && crumbs.itemListElement.at(-1).name === HOSTILE,
    'hostile watch page: VideoObject and BreadcrumbList parse, the title is data', JSON.stringify(lds).slice(0, 200));
  const snippet = await page.$eval('#embed-code', t => {
    const d = new DOMParser().parseFromString(t.value, 'text/html');
    const f = d.body.querySelectorAll('iframe');
    return { n: d.body.children.length, frames: f.length, title: f[0] && f[0].title, src: f[0] && f[0].getAttribute('src') };
  });
  ok(snippet.n === 1 && snippet.frames === 1 && snippet.title === HOSTILE &&
    snippet.src.endsWith(`/e/${PUBLIC_HOSTILE}/`),
  'hostile title: the embed snippet is one <iframe> whose title is the title, as text', JSON.stringify(snippet));
  await page.screenshot({ path: join(artifacts, 'site-watch-public.png') });
  await page.goto(`${base}/e/${PUBLIC_HOSTILE}/`, { waitUntil: 'load' });
  ok(await page.$eval('h1', h => h.textContent) === HOSTILE && await page.textContent('.embed-title') === HOSTILE &&
    await injected() === 0, 'hostile embed page: the title is text, nothing injected');
  await page.goto(`${base}/v/${PUBLIC_HOSTILE}/`, { waitUntil: 'load' });

  // Play asks the verifier; a 404 answer gives a clear message
  let playCalls = 0;
  await page.route('**/api/play/**', r => { playCalls++; r.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"not_found","message":"no"}' }); });
  await page.click('#play');
  await page.waitForFunction(() => /not available/.test(document.getElementById('player-msg').textContent), null, { timeout: 10000 }).catch(() => {});
  ok(playCalls === 1 && /not available/.test(await page.textContent('#player-msg')), 'Play asks /api/play and reports a missing video');
  await page.unroute('**/api/play/**');

  await page.goto(`${base}/v/${VIP}/`, { waitUntil: 'load' });
  ok(await page.isVisible('#code-form') && await page.isVisible('#code'), 'vip watch page shows the code form');
  ok(!(await page.isVisible('#play')), 'vip watch page hides Play until unlocked');
  await page.screenshot({ path: join(artifacts, 'site-watch-vip.png') });

  const tryCode = async (status, body, headers, want, what) => {
    await page.route('**/api/redeem', r => r.fulfill({ status, contentType: 'application/json', body, headers }));
    await page.fill('#code', 'om43-0000-0000');
    await page.click('#code-form button[type=submit]');
    await page.waitForFunction(w => new RegExp(w).test(document.getElementById('code-msg').textContent), want, { timeout: 10000 }).catch(() => {});
    const text = await page.textContent('#code-msg');
    ok(new RegExp(want).test(text), what, text);
    await page.unroute('**/api/redeem');
  };
  await tryCode(401, '{"error":"invalid","message":"x"}', {}, 'not right', 'wrong code: clear message');
  await tryCode(403, '{"error":"expired","message":"x"}', {}, 'expired', 'expired code: clear message');
  await tryCode(429, '{"error":"rate_limited","message":"x"}', { 'Retry-After': '7' }, 'Try again in [1-7] s', 'rate limit: countdown from Retry-After');
  ok(await page.$eval('#code-form button[type=submit]', b => b.disabled), 'submit disabled during the countdown');
  await page.reload({ waitUntil: 'load' });
  await page.route('**/api/redeem', r => r.abort('failed'));
  await page.fill('#code', 'OM43-0000-0000');
  await page.click('#code-form button[type=submit]');
  await page.waitForFunction(() => /Network error/.test(document.getElementById('code-msg').textContent), null, { timeout: 10000 }).catch(() => {});
  ok(/Network error/.test(await page.textContent('#code-msg')), 'network error: clear message');
  await page.unroute('**/api/redeem');
  ok(await page.$eval('#code', i => i.value) === 'OM43-0000-0000', 'typed code kept after an error');

  // --- search -------------------------------------------------------------------
  await page.goto(`${base}/search/?q=script`, { waitUntil: 'load' });
  await page.waitForSelector('#results .card', { timeout: 10000 }).catch(() => {});
  const found = await page.$$eval('#results .card-title', ts => ts.map(t => t.textContent));
  ok(found.includes(HOSTILE), 'search finds the hostile title and shows it as text', JSON.stringify(found));
  ok(await injected() === 0, 'no injected element from search results');
  await page.fill('#q', 'night city');
  await page.waitForFunction(() => [...document.querySelectorAll('#results .card-title')].some(t => t.textContent === 'Night city walk'), null, { timeout: 10000 }).catch(() => {});
  ok((await page.$$eval('#results .card-title', ts => ts.map(t => t.textContent))).includes('Night city walk'), 'search by words');
  ok(/q=night\+city/.test(page.url()), 'search state kept in the URL');
  await page.screenshot({ path: join(artifacts, 'site-search.png') });

  ok(dialogs.length === 0, 'no dialog was ever opened (no script injection ran)', dialogs.join(' | '));
  ok(errors.length === 0, 'no JavaScript errors', errors.join(' | '));
  ok(cspViolations.length === 0, 'nothing blocked by the production Content-Security-Policy', cspViolations.join(' | '));

  // --- JavaScript off -------------------------------------------------------------
  const ctx2dir = mkdtempSync(join(tmpdir(), 'chromium-nojs-'));
  const b2 = await chromium.launchPersistentContext(ctx2dir, {
    executablePath: '/usr/bin/chromium', headless: true, javaScriptEnabled: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const p2 = b2.pages()[0] || await b2.newPage();
    await p2.route(/b-cdn\.net/, r => r.fulfill({ status: 204, body: '' }));
    await p2.goto(base + '/', { waitUntil: 'load' });
    ok((await p2.$$('.row-track .card')).length > 0, 'JS off: home shows cards');
    await p2.click('#row-raw-h + .see-all');
    await p2.waitForLoadState('load');
    ok(/\/c\/raw\/$/.test(p2.url()) && (await p2.$$('.grid .card')).length > 0, 'JS off: "See all" opens the category grid');
    await p2.click('.pager a[rel=next]');
    await p2.waitForLoadState('load');
    ok(/\/c\/raw\/page\/2\/$/.test(p2.url()), 'JS off: pagination works');
    await p2.goto(`${base}/v/${VIP}/`, { waitUntil: 'load' });
    ok(await p2.getAttribute('#code-form', 'action') === '/api/redeem' &&
      await p2.getAttribute('#code-form input[name=next]', 'value') === `/v/${VIP}/`,
      'JS off: the code form posts to the verifier with a next path');
  } finally {
    await b2.close();
    rmSync(ctx2dir, { recursive: true, force: true });
  }
} catch (e) {
  failed++;
  console.log(`not ok - the browser test ran to the end\n#   ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (site) site.stop();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
