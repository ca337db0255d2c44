// unlocks.mjs — one device, several codes, in headless Chromium against the
// `make run` stack (lighttpd with the real verifier, the CDN stand-in):
//   1. a PPV code typed on a VIP video's page says which video it unlocks
//      (its title, a link to it) and nothing about this one being unlocked
//   2. the VIP code on the same device then unlocks and plays the VIP video
//   3. the PPV video plays too: the device kept both unlocks, and the page
//      and /code/ list both
//   4. the cookie names no code
// Screenshots go to $ARTIFACTS/unlocks/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, waitForPlayback } from './lib/browser.mjs';
import { startStack, ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'unlocks');
mkdirSync(SHOTS, { recursive: true });
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

const formVisible = (page) => page.locator('#code').isVisible().catch(() => false);
const msgText = (page) => page.$eval('#code-msg', (e) => e.textContent.trim()).catch(() => '');

async function submitCode(page, code) {
  await page.fill('#code', code);
  await page.press('#code', 'Enter');
}

async function plays(page, what) {
  try {
    const paused = await page.$eval('video', (v) => v.paused);
    if (paused) {
      const btn = page.locator('#play');
      if (await btn.isVisible() && await btn.isEnabled()) await btn.click();
    }
    const { before, after } = await waitForPlayback(page);
    return check(true, `${what} (currentTime ${before.toFixed(2)} -> ${after.toFixed(2)} s)`);
  } catch (e) {
    return check(false, what, e.message);
  }
}

// The text of each unlock line the page shows, once there are n of them.
async function unlockLines(page, n) {
  await page.waitForFunction((k) => document.querySelectorAll('#unlocks li').length >= k, n,
    { timeout: 10000 }).catch(() => {});
  return page.$$eval('#unlocks li', (lis) => lis.map((li) => li.textContent.trim()));
}

let stack;
let browser;
try {
  stack = await startStack();
  const { codes } = stack;
  const titleOf = (guid) => execFileSync('sqlite3', ['-readonly', path.join(stack.dir, 'var/access.db'),
    `SELECT title FROM videos WHERE guid = '${guid.replace(/[^0-9a-f-]/g, '')}';`], { encoding: 'utf8' }).trim();
  const ppvTitle = titleOf(codes.PPV_VIDEO);
  check(ppvTitle.length > 0 && /^[A-Z0-9]{1,8}(-[0-9A-F]{4}){3}$/.test(codes.VIP_CODE) &&
    /^[A-Z0-9]{1,8}(-[0-9A-F]{4}){3}$/.test(codes.PPV_CODE),
  'the demo has 12-digit VIP and PPV codes and access.db knows the PPV title', { codes, ppvTitle });

  browser = await launchBrowser();
  const { context } = browser;
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const vipUrl = `${stack.url}/v/${codes.VIP_VIDEO}/`;
  const ppvUrl = `${stack.url}/v/${codes.PPV_VIDEO}/`;

  // 1. The PPV code on the VIP video's page.
  await page.goto(vipUrl);
  check(await formVisible(page), 'the VIP video is locked for a new device');
  await submitCode(page, codes.PPV_CODE.toLowerCase());
  await page.waitForFunction(() => /This code unlocks/.test(document.getElementById('code-msg').textContent),
    null, { timeout: 10000 }).catch(() => {});
  const msg = await msgText(page);
  const link = await page.$eval('#code-msg a', (a) => ({ href: a.getAttribute('href'), text: a.textContent }))
    .catch(() => null);
  check(msg === `This code unlocks ${ppvTitle}.`, 'the message says plainly which video the code unlocks', msg);
  check(link && link.href === `/v/${codes.PPV_VIDEO}/` && link.text === ppvTitle,
    'and links to that video by its title', link);
  check(!/accepted|unlocked/i.test(msg), 'no "accepted" or "unlocked" wording for this video', msg);
  const state = await page.$eval('video', (v) => ({ readyState: v.readyState, src: v.currentSrc }));
  check(await formVisible(page) && !(await page.isVisible('#play')) && state.readyState === 0 && !state.src,
    'the VIP video stays locked: form shown, no Play, nothing loaded', state);
  const lines1 = await unlockLines(page, 1);
  check(lines1.length === 1 && lines1[0].startsWith(`Pay-per-view: ${ppvTitle}`) &&
    await page.$eval('#unlocks a', (a) => a.getAttribute('href')).catch(() => null) === `/v/${codes.PPV_VIDEO}/`,
  'the page lists what this device holds: the PPV video, linked', lines1);
  await shot(page, '1-ppv-code-on-vip-page.png');

  // 2. The VIP code on the same device.
  await submitCode(page, codes.VIP_CODE);
  await page.locator('#code').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  check(!(await formVisible(page)) && /Code accepted/.test(await msgText(page)),
    'then the VIP code unlocks this video', await msgText(page));
  await plays(page, 'the VIP video plays');
  const lines2 = await unlockLines(page, 2);
  check(!(await page.isVisible('#play')), 'no Play button over the playing video after the list refreshes');
  check(lines2.length === 2 && lines2[0].startsWith('VIP') && lines2[1].startsWith('Pay-per-view'),
    'the page lists both unlocks, VIP first', lines2);
  await shot(page, '2-vip-plays.png');

  // 3. The PPV video: the device kept its unlock.
  const session = await page.evaluate(() => fetch('/api/session').then((r) => r.json()));
  const held = (session.unlocks || []).map((u) => `${u.level}:${u.video || ''}`).sort();
  check(held.join(',') === `ppv:${codes.PPV_VIDEO},vip:`, 'the verifier holds both unlocks for this device',
    session);
  await page.goto(ppvUrl);
  await page.waitForFunction(() => !document.getElementById('play').hidden, null, { timeout: 10000 })
    .catch(() => {});
  check(!(await formVisible(page)), 'the PPV video is unlocked on return');
  await plays(page, 'the PPV video plays on the device that also holds VIP');
  await shot(page, '3-ppv-plays.png');
  await page.goto(`${stack.url}/code/`);
  const lines3 = await unlockLines(page, 2);
  check(lines3.length === 2 && lines3.some((l) => l.includes(ppvTitle)), '/code/ lists both unlocks', lines3);
  await submitCode(page, codes.PPV_CODE);
  await page.waitForFunction(() => /This code unlocks/.test(document.getElementById('code-msg').textContent),
    null, { timeout: 10000 }).catch(() => {});
  check(await msgText(page) === `This code unlocks ${ppvTitle}.`, '/code/ names the PPV video as well',
    await msgText(page));
  await shot(page, '4-code-page.png');

  // 4. The cookie names no code.
  const cookie = (await context.cookies()).find((c) => c.name === 'access_token');
  check(cookie && cookie.value.startsWith('e2.') && cookie.httpOnly && cookie.value.length < 4096 &&
    ![codes.VIP_CODE, codes.PPV_CODE].some((c) => cookie.value.includes(c) ||
      cookie.value.includes(c.replace(/-/g, ''))),
  'the cookie is HttpOnly, format 2, and holds no code', cookie && cookie.value.slice(0, 40));
  check(pageErrors.length === 0, 'no uncaught script errors', pageErrors);
} catch (e) {
  check(false, 'the run reached its end', e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (stack) await stack.stop();
}
process.exitCode = failures() ? 1 : 0;
