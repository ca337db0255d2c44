// search.mjs — the search page over the sharded index (docs/search.md) in a
// real headless Chromium, on the fixture catalog (tests/fixtures/site:
// hostile titles) served by lighttpd: a word, a prefix, a word found only
// in descriptions, ranking (title hits first), filter-only browsing, sort
// by length, the state restored from the URL on reload, the keyboard path
// (type, Tab to the first result, Enter opens it), the no-results message,
// a hostile title shown as text, and that a query fetches only the files
// it needs.  Screenshots at 1440x900 and 390x844 go to $ARTIFACTS.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { serveFixtureSite } from './lib/fixture_site.mjs';
import { ROOT } from './lib/stack.mjs';
import { check as ok, failures } from './lib/tap.mjs';

const artifacts = process.env.ARTIFACTS || join(ROOT, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });

const HOSTILE = '</script><img src=x onerror=alert(1)>';
const GOLDEN = '371ecd7b-27cd-4130-8722-9389571aa876';

let site = null, browser = null;
try {
  site = await serveFixtureSite('search-e2e-');
  const base = site.base;
  const shardsBuilt = readdirSync(join(site.dir, 'site/search/t')).length;

  browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  const dialogs = [], errors = [], requests = [];
  const page = browser.context.pages()[0] || await browser.context.newPage();
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('request', r => requests.push(new URL(r.url()).pathname));
  const injected = () => page.evaluate(() =>
    document.querySelectorAll('img[src="x"], svg[onload], [onerror]:not(img[src^="http"])').length);
  const titles = () => page.$$eval('#results .card-title', ts => ts.map(t => t.textContent));
  const statusText = () => page.textContent('#search-status');
  // waits until the status line settles on a count or "No videos match."
  const settle = async () => {
    await page.waitForFunction(() => /videos? |^\d+ video|No videos match/.test(document.getElementById('search-status').textContent),
      null, { timeout: 10000 }).catch(() => {});
    await page.waitForTimeout(50);
  };
  // empties the status line, so settle() waits for the answer to what comes next
  const clear = () => page.evaluate(() => { document.getElementById('search-status').textContent = ''; });
  const query = async q => { await clear(); await page.fill('#q', q); await page.waitForTimeout(200); await settle(); };

  // --- meta.json only when the form is used -------------------------------------
  await page.goto(`${base}/search/`, { waitUntil: 'load' });
  ok(!requests.some(p => p.startsWith('/search/') && p.endsWith('.json')), 'nothing of the index is fetched before the form is used');
  await page.focus('#q');
  await page.waitForFunction(() => document.querySelectorAll('#tag option').length > 1, null, { timeout: 10000 }).catch(() => {});
  ok(requests.includes('/search/meta.json'), 'focus loads search/meta.json');
  ok(await page.$$eval('#tag option', os => os.length) > 1, 'the tag filter lists the tags from meta.json');

  // --- a word ----------------------------------------------------------------------
  requests.length = 0;
  await query('golden');
  let t = await titles();
  ok(t[0] === 'Golden hour', 'word query finds the title', JSON.stringify(t));
  const shardReqs = requests.filter(p => p.startsWith('/search/t/'));
  ok(shardReqs.length === 1, `a one-word query fetches one term shard of ${shardsBuilt}`, JSON.stringify(shardReqs));
  ok(!requests.some(p => p === '/search.json'), 'no whole-catalog search.json');

  // --- prefix as you type, two words (AND) -------------------------------------------
  await query('roof');
  t = await titles();
  ok(t.includes('Rooftop session'), 'prefix of the last word matches (roof -> Rooftop)', JSON.stringify(t));
  await query('night ci');
  t = await titles();
  ok(t.includes('Night city walk') && t.every(x => x !== 'Golden hour'), 'two words, the last a prefix: every word must match', JSON.stringify(t));
  await query('roof ');
  ok((await statusText()) === 'No videos match.', 'a finished word is not a prefix ("roof " matches nothing)', await statusText());

  // --- descriptions, ranking -------------------------------------------------------
  await query('hostile');
  t = await titles();
  ok(t.length === 2 && t.includes(HOSTILE), 'a word found only in descriptions', JSON.stringify(t));
  await query('night');
  t = await titles();
  ok(t[0] === 'Night city walk' && t.length > 1, 'title hits rank before tag hits (newest first would differ)', JSON.stringify(t));
  await clear();
  await page.selectOption('#sort', 'new');
  await settle();
  t = await titles();
  ok(t[0] === HOSTILE, 'sort newest puts the newest match first', JSON.stringify(t));
  await page.selectOption('#sort', 'rel');

  // --- hostile title as text -------------------------------------------------------
  await query('script');
  t = await titles();
  ok(t.includes(HOSTILE), 'the hostile title is found and shown as text', JSON.stringify(t));
  ok(await injected() === 0, 'no injected element from search results');

  // --- no results ------------------------------------------------------------------
  await query('zzqxw');
  ok((await statusText()) === 'No videos match.' && (await titles()).length === 0, 'no results: a message, no cards', await statusText());

  // --- filter-only browse, sort longest -------------------------------------------
  await query('');
  await clear();
  await page.check('input[name=access][value="2"]');
  await settle();
  t = await titles();
  ok(t.length === 4 && /^4 videos/.test(await statusText()), 'empty query + Pay-per-view: the 4 PPV videos', `${await statusText()} ${JSON.stringify(t)}`);
  ok(/access=2/.test(page.url()), 'the access filter is in the URL', page.url());
  await page.check('input[name=access][value=""]');
  await clear();
  await page.selectOption('#cat', 'art');
  await settle();
  ok(/^7 videos/.test(await statusText()), 'empty query + category ART: 7 videos', await statusText());
  await page.selectOption('#cat', '');
  await clear();
  await page.selectOption('#sort', 'long');
  await settle();
  t = await titles();
  ok(t[0] === 'Forest trail' && t[1] === 'Rain on glass' && t.length === 14, 'browse all, longest first', JSON.stringify(t.slice(0, 3)));
  await clear();
  await page.selectOption('#tag', 'city');
  await settle();
  t = await titles();
  ok(t[0] === 'Rain on glass' && t.length === 6, 'tag city, longest first', JSON.stringify(t));
  await page.screenshot({ path: join(artifacts, 'search-browse-1440.png') });

  // --- URL state restored on reload ----------------------------------------------------
  await page.goto(`${base}/search/?q=ocean&access=1&sort=long`, { waitUntil: 'load' });
  await settle();
  await page.reload({ waitUntil: 'load' });
  await settle();
  ok(await page.inputValue('#q') === 'ocean', 'reload keeps the query');
  ok(await page.isChecked('input[name=access][value="1"]'), 'reload keeps the access filter');
  ok(await page.inputValue('#sort') === 'long', 'reload keeps the sort');
  t = await titles();
  ok(t.length === 1 && t[0] === 'Ocean at dawn', 'reload shows the same results', JSON.stringify(t));

  await page.goto(`${base}/search/?tag=no-such-tag`, { waitUntil: 'load' });
  await settle();
  ok((await statusText()) === 'No videos match.', 'an unknown tag in the URL matches nothing (no error)', await statusText());

  // --- keyboard: type, Tab to the first result, Enter opens it -----------------------
  await page.goto(`${base}/search/`, { waitUntil: 'load' });
  await page.focus('#q');
  await page.keyboard.type('golden ho');
  await settle();
  let inResults = false;
  for (let i = 0; i < 20 && !inResults; i++) {
    await page.keyboard.press('Tab');
    inResults = await page.evaluate(() => !!document.activeElement.closest('#results'));
  }
  ok(inResults, 'Tab reaches the first result');
  await page.screenshot({ path: join(artifacts, 'search-keyboard-1440.png') });
  await Promise.all([page.waitForURL(`**/v/${GOLDEN}/`, { timeout: 10000 }).catch(() => {}), page.keyboard.press('Enter')]);
  ok(page.url().endsWith(`/v/${GOLDEN}/`), 'Enter opens the result', page.url());

  // --- phone --------------------------------------------------------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/search/?q=night`, { waitUntil: 'load' });
  await settle();
  ok((await titles()).length > 0, 'results on a phone viewport');
  await page.screenshot({ path: join(artifacts, 'search-390.png') });

  ok(dialogs.length === 0, 'no dialog was ever opened', dialogs.join(' | '));
  ok(errors.length === 0, 'no JavaScript errors', errors.join(' | '));
} catch (e) {
  ok(false, 'search e2e ran', String(e && e.stack || e));
} finally {
  if (browser) await browser.close();
  if (site) site.stop();
}
process.exit(failures() ? 1 : 0);
