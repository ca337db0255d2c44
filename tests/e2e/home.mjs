// home.mjs — the browse pages of `make run`'s real stack in headless
// Chromium (issue 13, points 3 and 4): home row order (hero, Continue
// watching, New, Free to watch, Series, categories) with "See all" on every
// row and the hero not repeated in the row after it; "Continue watching"
// appearing once the device has progress (stored the way watch.js stores
// it); the series page's "Play S1E1" turning into "Resume SxEy"; the nav's
// aria-current on each section; cards named by their visible text; the
// header on one line at 390 px; row arrows only when a row overflows (and
// again after a resize).  Screenshots of home, series index, a series page,
// tag index and a category at 1440x900 and 390x844 go to $ARTIFACTS/home/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { startStack, ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'home');
mkdirSync(SHOTS, { recursive: true });
const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];

let stack = null;
let browser = null;
try {
  stack = await startStack();
  browser = await launchBrowser({ viewport: SIZES[0] });
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const go = (p) => page.goto(stack.url + p, { waitUntil: 'load' });

  // --- home: row order, See all, hero not repeated --------------------------
  await go('/');
  const home = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('main section.row')];
    return {
      heroLink: document.querySelector('.hero a.btn')?.getAttribute('href'),
      firstAfterHero: document.querySelector('.hero')?.nextElementSibling?.id,
      rows: rows.map((r) => ({
        id: r.id, hidden: r.hidden, title: r.querySelector('h2').textContent,
        seeAll: r.querySelector('.see-all')?.getAttribute('href') || null,
        links: [...r.querySelectorAll('.card > a')].map((a) => a.getAttribute('href')),
      })),
      nav: [...document.querySelectorAll('.top-nav a')].map((a) => a.textContent),
    };
  });
  const served = home.rows.filter((r) => r.id !== 'continue');
  const titles = served.map((r) => r.title);
  const cats = home.nav.filter((n) => !['Home', 'Series', 'Tags'].includes(n));
  check(titles.slice(0, 3).join('|') === 'New|Free to watch|Series' &&
    titles.slice(3).join('|') === cats.filter((c) => titles.includes(c)).join('|') && titles.length > 3,
  `home rows: New, Free to watch, Series, then the categories in nav order (${titles.join(', ')})`);
  check(home.firstAfterHero === 'continue' && home.rows[0].id === 'continue' && home.rows[0].hidden,
    'Continue watching comes right after the hero, hidden without progress');
  check(served.every((r) => r.seeAll), 'every row has "See all"',
    served.filter((r) => !r.seeAll).map((r) => r.title));
  check(served[0].seeAll === '/new/' && served[1].seeAll === '/free/' && served[2].seeAll === '/series/',
    `"See all" of New, Free, Series: /new/, /free/, /series/ (${served.slice(0, 3).map((r) => r.seeAll)})`);
  check(home.heroLink && !served.some((r) => r.links.includes(home.heroLink)),
    `the hero's video (${home.heroLink}) is in no row`);
  for (const [p, h] of [['/new/', 'New'], ['/free/', 'Free to watch'], ['/series/', 'Series'], ['/tags/', 'Tags']]) {
    const r = await page.goto(stack.url + p);
    check(r.ok() && (await page.$eval('h1', (e) => e.textContent)) === h, `${p} exists (${h})`);
  }
  await go('/free/');
  const freeBadges = await page.$$eval('.grid .card .badge:not(.badge-dur)', (bs) => bs.map((b) => b.className));
  check(freeBadges.length > 0 && freeBadges.every((c) => c.includes('badge-public')),
    `/free/ lists only free videos (${freeBadges.length})`);

  // --- cards: the accessible name is the visible text ------------------------
  await go('/');
  const labelled = await page.$$eval('.card > a[aria-label], .card > a[aria-labelledby]', (as) => as.length);
  const cards = await page.$$eval('main .card > a', (as) => as.length);
  check(cards > 0 && labelled === 0, `no card overrides its name with aria-label (${cards} cards)`);

  // --- nav: aria-current per section ------------------------------------------
  const catUrl = await page.$eval('.top-nav a[href^="/c/"]', (a) => a.getAttribute('href'));
  const catName = await page.$eval('.top-nav a[href^="/c/"]', (a) => a.textContent);
  const seriesUrl = await page.$eval('#home-series .card > a', (a) => a.getAttribute('href'));
  for (const [p, want] of [['/', 'Home'], [catUrl, catName], ['/series/', 'Series'], [seriesUrl, 'Series'],
    ['/tags/', 'Tags'], ['/search/', 'Search'], ['/code/', 'Enter code']]) {
    await go(p);
    const cur = await page.$$eval('header.top [aria-current="page"]', (as) => as.map((a) => a.textContent));
    check(cur.length === 1 && cur[0] === want, `nav marks "${want}" on ${p} (${cur.join(', ')})`);
  }

  // --- series page: artwork, episodes, Play S1E1 -> Resume SxEy --------------
  await go(seriesUrl);
  const sp = await page.evaluate(() => ({
    art: !!document.querySelector('.series-art[srcset]'),
    label: document.getElementById('series-play-label')?.textContent,
    eps: [...document.querySelectorAll('.episode')].map((li) => ({
      guid: li.dataset.guid, code: li.dataset.code, url: li.dataset.url,
      title: li.querySelector('.ep-title')?.textContent, syn: !!li.querySelector('.ep-syn'),
      meta: li.querySelector('.ep-meta')?.textContent,
    })),
  }));
  check(sp.art, 'series page shows artwork with srcset');
  check(sp.eps.length >= 2 && sp.eps.every((e) => e.title && e.meta && /\d:\d\d/.test(e.meta) &&
    /Free|VIP|Pay-per-view/.test(e.meta)), `series page lists episodes with number, title, duration, access (${sp.eps.length})`);
  check(sp.eps.some((e) => e.syn), 'episodes show a synopsis');
  check(sp.label === `Play ${sp.eps[0].code}`, `series page starts with "Play ${sp.eps[0]?.code}" (${sp.label})`);
  await page.screenshot({ path: path.join(SHOTS, 'series-before-resume.png') });

  // progress the way watch.js stores it (om:progress: {guid: {t, d, at, title, thumb, url}})
  // from the watch page, as watch.js's save() does
  const ep = sp.eps[1];
  await go(ep.url);
  await page.evaluate(() => {
    const w = document.getElementById('watch');
    localStorage.setItem('om:progress', JSON.stringify({
      // what watch.js saves: the title is the page's <h1>, the URL its address
      [w.dataset.guid]: { t: 120, d: 400, at: Date.now(), title: w.querySelector('h1').textContent.trim(),
        thumb: w.dataset.thumb, url: location.pathname },
    }));
  });
  await go(seriesUrl);
  const resumed = await page.evaluate(() => ({
    label: document.getElementById('series-play-label')?.textContent,
    href: document.getElementById('series-play')?.getAttribute('href'),
    bars: document.querySelectorAll('.episode .progress').length,
  }));
  check(resumed.label === `Resume ${ep.code}` && resumed.href === ep.url,
    `with progress on ${ep.code} the button says "Resume ${ep.code}" (${resumed.label} -> ${resumed.href})`);
  check(resumed.bars === 1, `the episode shows its progress bar (${resumed.bars})`);

  // --- home: Continue watching appears ---------------------------------------
  await go('/');
  const cont = await page.evaluate(() => {
    const r = document.getElementById('continue');
    return { hidden: r.hidden, titles: [...r.querySelectorAll('.card-title')].map((t) => t.textContent),
      bars: r.querySelectorAll('.progress').length };
  });
  check(!cont.hidden && cont.titles.length === 1 && cont.bars === 1,
    `Continue watching shows the video in progress (${cont.titles.join(', ')})`);

  // --- arrows only when a row overflows; again after a resize ----------------
  const arrows = () => page.evaluate(() => [...document.querySelectorAll('main section.row:not([hidden])')].map((r) => {
    const t = r.querySelector('.row-track');
    return { id: t.id, overflow: t.scrollWidth > t.clientWidth + 2, shown: !r.querySelector('.row-arrows').hidden };
  }));
  // site.js measures the rows in an animation frame after load or a resize:
  // wait (bounded) until the arrows agree with the overflow, then judge.
  const settled = () => page.waitForFunction(() => [...document.querySelectorAll('main section.row:not([hidden])')]
    .every((r) => {
      const t = r.querySelector('.row-track');
      return (t.scrollWidth > t.clientWidth + 2) === !r.querySelector('.row-arrows').hidden;
    }), null, { timeout: 5000 }).catch(() => {});
  await settled();
  let a = await arrows();
  check(a.every((r) => r.overflow === r.shown), 'at 1440 px arrows show exactly on the rows that overflow',
    JSON.stringify(a));
  check(a.some((r) => !r.overflow), `some row does not overflow at 1440 px (${a.filter((r) => !r.overflow).map((r) => r.id)})`);
  await page.setViewportSize(SIZES[1]);
  await settled();
  a = await arrows();
  check(a.every((r) => r.overflow === r.shown), 'after resizing to 390 px arrows follow the overflow',
    JSON.stringify(a));

  // --- header on one line at 390 px -------------------------------------------
  for (const p of ['/', catUrl, seriesUrl, '/code/']) {
    await go(p);
    const hd = await page.evaluate(() => {
      const h = document.querySelector('header.top');
      const boxes = [...h.children].map((c) => c.getBoundingClientRect());
      const top = Math.max(...boxes.map((b) => b.top));
      const bottom = Math.min(...boxes.map((b) => b.bottom));
      return { height: h.getBoundingClientRect().height, oneLine: top < bottom,
        overflowX: document.documentElement.scrollWidth > innerWidth };
    });
    check(hd.oneLine && hd.height < 64 && !hd.overflowX,
      `header on one line at 390 px on ${p} (height ${Math.round(hd.height)} px)`);
  }

  // --- screenshots ----------------------------------------------------------------
  const tagUrl = await (async () => { await go('/tags/'); return page.$eval('.tag-index a', (x) => x.getAttribute('href')); })();
  const shots = [['home', '/'], ['series-index', '/series/'], ['series', seriesUrl], ['tags', '/tags/'],
    ['category', catUrl], ['tag', tagUrl], ['new', '/new/']];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const [name, p] of shots) {
      await page.goto(stack.url + p, { waitUntil: 'networkidle' });
      await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}.png`) });
    }
  }
  check(errors.length === 0, 'no script errors', errors.join('\n'));
} catch (e) {
  check(false, 'home e2e ran to the end', e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (stack) await stack.stop();
}
process.exit(failures() ? 1 : 0);
