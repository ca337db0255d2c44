// watch_locked.mjs — the watch page's player as the call to action (issue 13),
// in headless Chromium against the `make run` stack (lighttpd, the real
// verifier, the CDN stand-in), at 1440x900 and 390x844:
//   1. a locked page shows, inside the first viewport, the lock, the level
//      in words, the code field and "Get a code"; no native controls; the
//      title comes before the form; the player is centred
//   2. a wrong code: the error right under the field; too many attempts: the
//      Retry-After countdown there, counting down
//   3. the right code: "Unlocked: <title>", then controls and playback
//   4. a public page: Play (shown only with JavaScript) plays
//   5. JavaScript off: a <noscript> line; the form posts and comes back to
//      the page with the outcome shown (invalid, expired, revoked, limited,
//      unlocked), never JSON; the same on /code/
// Each browser context comes from its own address (X-Forwarded-For through
// a trusted loopback proxy), so each starts with a fresh rate-limit budget.
// Screenshots go to $ARTIFACTS/watch/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, waitForPlayback } from './lib/browser.mjs';
import { startStack, ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'watch');
mkdirSync(SHOTS, { recursive: true });
const SIZES = [{ name: 'desktop', width: 1440, height: 900 }, { name: 'mobile', width: 390, height: 844 }];

let addr = 0;
async function newPage(browser, size, js = true) {
  addr++;
  const ctx = await browser.newContext({
    viewport: { width: size.width, height: size.height }, javaScriptEnabled: js,
  });
  // the site's own requests only: on the CDN's, an extra header would need a CORS preflight
  const xff = `10.${addr}.0.1`;
  await ctx.route(`${stack.url}/**`, (route) =>
    route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': xff } }));
  return ctx.newPage();
}

const box = (page, sel) => page.locator(sel).first().boundingBox().catch(() => null);
const inView = (b, size) => !!b && b.width > 0 && b.height > 0 && b.x >= 0 && b.y >= 0 &&
  b.x + b.width <= size.width + 0.5 && b.y + b.height <= size.height + 0.5;
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name) });

// the message's box starts within 80 px under the code field's
async function beside(page, msgSel) {
  const i = await box(page, '#code');
  const m = await box(page, msgSel);
  return !!i && !!m && m.y >= i.y + i.height - 1 && m.y - (i.y + i.height) < 80;
}

async function submit(page, code) {
  await page.fill('#code', code);
  await page.click('#code-form button[type=submit]');
}

let stack;
let browser;
process.env.ONLY_TRUSTED_PROXIES = '127.0.0.1';
try {
  stack = await startStack();
  const { codes, dir } = stack;
  const bin = path.resolve(ROOT, process.env.BINDIR || 'bin', 'onlytoken');
  const tok = (...args) => execFileSync(bin, args, { cwd: dir, encoding: 'utf8' });
  const codeOf = (out) => (out.match(/[A-Z0-9]{1,8}(-[0-9A-F]{4}){3}/) || [''])[0];
  const expired = codeOf(tok('mint', '--level', 'vip', '--note', 'e2e-expired'));
  execFileSync('sqlite3', [path.join(dir, 'var/tokens.db'),
    "UPDATE codes SET expires_at = 1000 WHERE note = 'e2e-expired';"]);
  const revoked = codeOf(tok('mint', '--level', 'vip'));
  tok('revoke', revoked);
  const ppvTitle = execFileSync('sqlite3', ['-readonly', path.join(dir, 'var/access.db'),
    `SELECT title FROM videos WHERE guid = '${codes.PPV_VIDEO.replace(/[^0-9a-f-]/g, '')}';`],
  { encoding: 'utf8' }).trim();
  const pub = stack.videos.find((v) => v.access === 'public');
  check(expired && revoked && ppvTitle && pub, 'stack up: expired and revoked codes minted, a public video',
    { expired, revoked, ppvTitle });
  const locked = `${stack.url}/v/${codes.PPV_VIDEO}/`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: CHROMIUM_ARGS });

  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;
    // 1. the locked page
    let page = await newPage(browser, size);
    await page.goto(locked, { waitUntil: 'networkidle' });
    for (const [sel, what] of [['.lock-icon', 'lock'], ['#unlock-h', 'level in words'],
      ['#code', 'code field'], ['#code-form button[type=submit]', 'Unlock button'], ['.get-code', '"Get a code" link']]) {
      const b = await box(page, sel);
      check(inView(b, size), `${tag}: ${what} inside the first viewport`, b);
    }
    check(/Pay-per-view\s+—\s+this video/.test(await page.textContent('#unlock-h')),
      `${tag}: the level says "Pay-per-view — this video"`, await page.textContent('#unlock-h'));
    check(await page.getAttribute('.get-code', 'href') === 'https://example.com/onlymatt/buy-a-code',
      `${tag}: "Get a code" goes to content/site.json's purchase_url`);
    check(await page.$eval('#video', (v) => !v.hasAttribute('controls') && !v.controls),
      `${tag}: no native controls before the video can play`);
    check(await page.evaluate(() => {
      const h = document.querySelector('h1');
      const f = document.querySelector('#code-form');
      return !!h && !!f && !!(h.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), `${tag}: the title comes before the form`);
    const m = await page.evaluate(() => {
      const r = document.querySelector('#player').getBoundingClientRect();
      const w = document.documentElement.clientWidth;
      return { left: r.left, right: w - r.right, height: r.height, vh: innerHeight, bottom: r.bottom };
    });
    check(Math.abs(m.left - m.right) <= 2, `${tag}: player centred (margins ${m.left.toFixed(1)} / ${m.right.toFixed(1)} px)`, m);
    check(m.bottom <= size.height, `${tag}: the whole player fits the first viewport (bottom ${m.bottom.toFixed(0)} px)`, m);
    check(await page.locator('#play').isHidden(), `${tag}: no Play button on a locked video`);
    await shot(page, `locked-${size.name}.png`);

    // 2. a wrong code, then the rate limit
    await submit(page, 'OM43-0000-0000-0000');
    await page.waitForFunction(() => /not right/.test(document.querySelector('#code-msg').textContent), null,
      { timeout: 10000 }).catch(() => {});
    check(/not right/.test(await page.textContent('#code-msg')) && await beside(page, '#code-msg') &&
      inView(await box(page, '#code-msg'), size), `${tag}: a wrong code: the error right under the field, in view`,
    await page.textContent('#code-msg'));
    await shot(page, `wrong-code-${size.name}.png`);
    let limited = false;
    for (let i = 0; i < 12 && !limited; i++) {
      await submit(page, `OM43-0000-0000-00${String(i).padStart(2, '0')}`);
      await page.waitForFunction(() => !/Checking/.test(document.querySelector('#code-msg').textContent), null,
        { timeout: 10000 }).catch(() => {});
      limited = /Try again in \d+ s/.test(await page.textContent('#code-msg'));
    }
    const t1 = Number(((await page.textContent('#code-msg')).match(/in (\d+) s/) || [])[1]);
    await page.waitForTimeout(2100);
    const t2 = Number(((await page.textContent('#code-msg')).match(/in (\d+) s/) || [])[1]);
    check(limited && t2 < t1 && await beside(page, '#code-msg') &&
      await page.locator('#code-form button[type=submit]').isDisabled(),
    `${tag}: too many attempts: the countdown beside the field counts down (${t1} -> ${t2} s), Unlock disabled`);
    await shot(page, `rate-limited-${size.name}.png`);
    await page.context().close();

    // 3. the right code: what it unlocked, then playback
    page = await newPage(browser, size);
    await page.goto(locked, { waitUntil: 'networkidle' });
    await submit(page, codes.PPV_CODE);
    await page.waitForSelector('#unlock-note:not([hidden])', { timeout: 10000 }).catch(() => {});
    const note = await page.textContent('#unlock-note').catch(() => '');
    check(note.startsWith('Unlocked: ') && note.includes(ppvTitle) && inView(await box(page, '#unlock-note'), size),
      `${tag}: the right code: "${note}" in view`);
    try {
      const { before, after } = await waitForPlayback(page);
      check(true, `${tag}: then it plays (${before.toFixed(2)} -> ${after.toFixed(2)} s)`);
    } catch (e) {
      check(false, `${tag}: then it plays`, e.message);
    }
    check(await page.$eval('#video', (v) => v.controls), `${tag}: native controls once it plays`);
    await shot(page, `unlocked-${size.name}.png`);
    await page.context().close();

    // 4. a public page
    page = await newPage(browser, size);
    await page.goto(`${stack.url}/v/${pub.guid}/`, { waitUntil: 'networkidle' });
    const pm = await page.evaluate(() => {
      const r = document.querySelector('#player').getBoundingClientRect();
      return { left: r.left, right: document.documentElement.clientWidth - r.right, bottom: r.bottom };
    });
    check(Math.abs(pm.left - pm.right) <= 2 && pm.bottom <= size.height,
      `${tag}: public player centred and in the first viewport`, pm);
    check(inView(await box(page, '#play'), size) && await page.$eval('#video', (v) => !v.controls),
      `${tag}: public page: Play shown, no controls yet`);
    await shot(page, `public-${size.name}.png`);
    await page.click('#play');
    try {
      await waitForPlayback(page);
      check(await page.$eval('#video', (v) => v.controls), `${tag}: public page: Play plays, with controls`);
    } catch (e) {
      check(false, `${tag}: public page: Play plays`, e.message);
    }
    await page.context().close();

    // 5. without JavaScript
    page = await newPage(browser, size, false);
    await page.goto(`${stack.url}/v/${pub.guid}/`);
    check(await page.locator('.player .noscript').isVisible() && await page.locator('#play').isHidden(),
      `${tag}: no JS, public page: the <noscript> line, no dead Play button`);
    await page.goto(locked);
    check(await page.locator('#unlock .noscript').isVisible(), `${tag}: no JS, locked page: the <noscript> line`);
    const cases = [
      ['invalid', 'OM43-0000-0000-0001', 'code-invalid', /not right/],
      ['expired', expired, 'code-expired', /expired/],
      ['revoked', revoked, 'code-revoked', /no longer valid/],
      ['vip-elsewhere', codes.VIP_CODE, 'code-unlocked-vip', /Unlocked: VIP/],
      ['unlocked', codes.PPV_CODE, 'code-unlocked-ppv', /Unlocked: Pay-per-view — this video/],
    ];
    for (const [name, code, id, re] of cases) {
      await page.goto(locked);
      await page.fill('#code', code);
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('#code-form button[type=submit]')]);
      const u = new URL(page.url());
      const shown = await page.locator(`#${id}`).isVisible();
      const text = shown ? await page.textContent(`#${id}`) : '';
      const others = await page.$$eval('.code-result', (ps) => ps.filter((p) => p.offsetParent !== null).length);
      check(u.pathname === `/v/${codes.PPV_VIDEO}/` && u.hash === `#${id}` && resp &&
        /text\/html/.test(resp.headers()['content-type'] || '') && shown && re.test(text) && others === 1,
      `${tag}: no JS, ${name}: back on the page (${u.hash}), "${text}"`, { url: page.url(), others });
      check(inView(await box(page, `#${id}`), size), `${tag}: no JS, ${name}: the message in view`);
      await shot(page, `nojs-${name}-${size.name}.png`);
    }
    // limited: from one address until the verifier says 429
    let hash = '';
    for (let i = 0; i < 12 && hash !== '#code-limited'; i++) {
      await page.goto(locked);
      await page.fill('#code', `OM43-0000-0000-01${String(i).padStart(2, '0')}`);
      await Promise.all([page.waitForNavigation(), page.click('#code-form button[type=submit]')]);
      hash = new URL(page.url()).hash;
    }
    check(hash === '#code-limited' && /Too many attempts/.test(await page.textContent('#code-limited')),
      `${tag}: no JS, too many attempts: "${await page.textContent('#code-limited')}"`);
    await shot(page, `nojs-limited-${size.name}.png`);
    await page.context().close();
    // /code/ comes back to /code/
    page = await newPage(browser, size, false);
    await page.goto(`${stack.url}/code/`);
    check(inView(await box(page, '.get-code'), size), `${tag}: /code/: "Get a code" in view`);
    await page.fill('#code', 'OM43-0000-0000-0002');
    await Promise.all([page.waitForNavigation(), page.click('#code-form button[type=submit]')]);
    check(new URL(page.url()).pathname === '/code/' && await page.locator('#code-invalid').isVisible(),
      `${tag}: no JS, /code/: a wrong code comes back to /code/#code-invalid`, page.url());
    await shot(page, `nojs-code-page-${size.name}.png`);
    await page.context().close();
  }
} catch (e) {
  check(false, 'watch_locked ran to the end', e.stack || e.message);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (stack) await stack.stop();
}
process.exit(failures() ? 1 : 0);
