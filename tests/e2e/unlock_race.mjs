// unlock_race.mjs — a device keeps every unlock when its tabs race (issue 11):
// ONE browser context (one cookie jar), two pages, against the `make run`
// stack behind a proxy that makes each race happen every time
// (lib/hold_proxy.mjs holds the first answer until the racing request has
// been answered with the same cookie in hand):
//   1. two tabs redeem two different codes at the same moment: /api/session
//      then lists both, and so does each tab
//   2. a tab redeems while another tab's page load renews an old (legacy)
//      cookie through /api/session: the renewal does not drop the new unlock
//   3. (1) again in a browser without Web Locks: the localStorage lease
//   4. two plain form posts at once in a browser without JavaScript: nothing
//      takes turns, so only the verifier can keep both
// The access_token cookie holds a device's unlocks, and every answer that
// sets it writes the whole set; sent at once, both requests carry the old
// set, and the answer stored last drops the other one's unlock from it.
// The pages take turns (watch.js, exclusive()); the verifier also gives
// each redeemed code a cookie of its own, which no other answer writes
// (verifier/module/unlocks.h), so that even two requests that do not take
// turns keep both.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { startHoldProxy } from './lib/hold_proxy.mjs';
import { startStack } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const b64u = (buf) => Buffer.from(buf).toString('base64url');
// The old system's long token (shared/reference/legacy-only-system.md).
function legacyToken(secret, code, exp) {
  const sig = b64u(createHmac('sha256', secret).update(`${code}|${exp}`).digest());
  return b64u(`${code}|${exp}|${sig}`);
}

const msgText = (page) => page.$eval('#code-msg', (e) => e.textContent.trim()).catch(() => '');
const accepted = (page) => page.waitForFunction(() =>
  /accepted|This code unlocks/.test(document.getElementById('code-msg').textContent),
null, { timeout: 15000 }).then(() => true, () => false);
const held = async (page) => {
  const s = await page.evaluate(() => fetch('/api/session').then((r) => r.json()));
  return (s.unlocks || []).map((u) => `${u.level}:${u.video || ''}`).sort().join(',');
};
async function unlockLines(page, n) {
  await page.waitForFunction((k) => document.querySelectorAll('#unlocks li').length >= k, n,
    { timeout: 10000 }).catch(() => {});
  return page.$$eval('#unlocks li', (lis) => lis.map((li) => li.textContent.trim()));
}
const isRedeem = (rq) => rq.method === 'POST' && rq.url === '/api/redeem';
const isSession = (rq) => rq.method === 'GET' && rq.url === '/api/session';

let stack;
let proxy;
let browser;
try {
  stack = await startStack();
  const { codes } = stack;
  proxy = await startHoldProxy(stack.url);
  const both = `ppv:${codes.PPV_VIDEO},vip:`;
  const secret = readFileSync(path.join(stack.dir, 'var/verifier.keys'), 'utf8')
    .match(/^SECRET_KEY=(.*)$/m)[1];

  // 1. Two tabs, two codes, one moment.
  browser = await launchBrowser();
  const { context } = browser;
  const pageErrors = [];
  const a = await context.newPage();
  const b = await context.newPage();
  for (const p of [a, b]) {
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(`${proxy.url}/code/`, { waitUntil: 'networkidle' });
  }
  await a.fill('#code', codes.VIP_CODE);
  await b.fill('#code', codes.PPV_CODE);
  let race = proxy.hold({ first: isRedeem, second: isRedeem });
  await Promise.all([a.press('#code', 'Enter'), b.press('#code', 'Enter')]);
  const [okA, okB] = await Promise.all([accepted(a), accepted(b)]);
  const r1 = await race.done;
  console.log(`# race 1: second redeem sent while the first answer was out: ${r1.overlapped}, ` +
    `answers ${r1.order.join(' then ')}`);
  check(okA && okB, 'both tabs say their code was accepted', [await msgText(a), await msgText(b)]);
  check(await held(a) === both, 'two tabs redeeming at once: the device holds both unlocks',
    await held(a));
  await Promise.all([a.reload({ waitUntil: 'networkidle' }), b.reload({ waitUntil: 'networkidle' })]);
  const [la, lb] = await Promise.all([unlockLines(a, 2), unlockLines(b, 2)]);
  check(la.length === 2 && lb.length === 2, 'and each tab lists both after a reload', { la, lb });
  check(pageErrors.length === 0, 'no uncaught script errors', pageErrors);
  await browser.close();

  // 2. A redeem racing another tab's renewal of an old cookie.
  browser = await launchBrowser();
  const ctx2 = browser.context;
  const c = await ctx2.newPage();
  const d = await ctx2.newPage();
  for (const p of [c, d]) {
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(`${proxy.url}/code/`, { waitUntil: 'networkidle' });
  }
  // The PPV unlock, as the old system's cookie: /api/session rewrites it.
  await ctx2.addCookies([{ name: 'access_token', url: proxy.url, httpOnly: true, sameSite: 'Lax',
    value: legacyToken(secret, codes.PPV_CODE, Math.floor(Date.now() / 1000) + 86400) }]);
  await d.fill('#code', codes.VIP_CODE);
  race = proxy.hold({ first: isRedeem, second: isSession });
  await d.press('#code', 'Enter');
  await c.reload({ waitUntil: 'networkidle' });
  const okD = await accepted(d);
  const r2 = await race.done;
  console.log(`# race 2: page load's /api/session sent while the redeem's answer was out: ` +
    `${r2.overlapped}, answers ${r2.order.join(' then ')}`);
  check(okD, 'the redeeming tab says its code was accepted', await msgText(d));
  check(await held(c) === both, 'a redeem racing a renewal of an old cookie: the device holds both unlocks',
    await held(c));
  check(pageErrors.length === 0, 'no uncaught script errors (second browser)', pageErrors);
  await browser.close();

  // 3. Race 1 again in a browser without Web Locks (plain http on a LAN
  // address, Safari before 15.4): the pages fall back to a localStorage lease.
  browser = await launchBrowser();
  const ctx3 = browser.context;
  await ctx3.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
  });
  const e = await ctx3.newPage();
  const f = await ctx3.newPage();
  for (const p of [e, f]) {
    p.on('pageerror', (err) => pageErrors.push(err.message));
    await p.goto(`${proxy.url}/code/`, { waitUntil: 'networkidle' });
  }
  check(await e.evaluate(() => navigator.locks === undefined), 'the third browser has no navigator.locks');
  await e.fill('#code', codes.VIP_CODE);
  await f.fill('#code', codes.PPV_CODE);
  race = proxy.hold({ first: isRedeem, second: isRedeem });
  await Promise.all([e.press('#code', 'Enter'), f.press('#code', 'Enter')]);
  const [okE, okF] = await Promise.all([accepted(e), accepted(f)]);
  const r3 = await race.done;
  console.log(`# race 3 (no Web Locks): second redeem sent while the first answer was out: ` +
    `${r3.overlapped}, answers ${r3.order.join(' then ')}`);
  check(okE && okF, 'without Web Locks: both tabs say their code was accepted', [await msgText(e), await msgText(f)]);
  check(await held(e) === both, 'without Web Locks: the device holds both unlocks', await held(e));
  // each tab then refreshes its list of unlocks (/api/session), in turn
  // too: the lease is let go once those answers are in as well
  const released = (p) => p.waitForFunction(() => localStorage.getItem('om:access-cookie') === null,
    null, { timeout: 5000 }).then(() => true, () => false);
  check((await released(e)) && (await released(f)),
    'and the lease is released once the answers are in',
    await e.evaluate(() => localStorage.getItem('om:access-cookie')));
  check(pageErrors.length === 0, 'no uncaught script errors (third browser)', pageErrors);
  await browser.close();

  // 4. Two form posts at once without JavaScript (two tabs, a double
  // submit): the forms post straight to /api/redeem and follow its 303.
  browser = await launchBrowser({ javaScriptEnabled: false });
  const ctx4 = browser.context;
  const g = await ctx4.newPage();
  const h = await ctx4.newPage();
  for (const p of [g, h]) await p.goto(`${proxy.url}/code/`, { waitUntil: 'load' });
  await g.fill('#code', codes.VIP_CODE);
  await h.fill('#code', codes.PPV_CODE);
  // (a long hold: a loaded machine must not let the first answer out before
  // the second post is sent, which would make this no race at all)
  race = proxy.hold({ first: isRedeem, second: isRedeem, timeoutMs: 10000 });
  await Promise.all([g.press('#code', 'Enter'), h.press('#code', 'Enter')]);
  await Promise.all([g.waitForURL(/#code-/, { timeout: 15000 }), h.waitForURL(/#code-/, { timeout: 15000 })]);
  const r4 = await race.done;
  console.log(`# race 4 (no JavaScript): second form post sent while the first answer was out: ` +
    `${r4.overlapped}, answers ${r4.order.join(' then ')}`);
  check(r4.overlapped, 'without JavaScript the two posts overlap (nothing takes turns)', r4);
  check(/#code-unlocked/.test(g.url()) && /#code-unlocked/.test(h.url()),
    'both pages land on their unlocked message', [g.url(), h.url()]);
  const session4 = async () => {
    const s = await (await ctx4.request.get(`${proxy.url}/api/session`)).json();
    return (s.unlocks || []).map((u) => `${u.level}:${u.video || ''}`).sort().join(',');
  };
  const jar4 = (await ctx4.cookies()).map((ck) => ck.name).sort();
  check(await session4() === both, 'two form posts at once without JavaScript: the device holds both unlocks',
    { held: await session4(), cookies: jar4 });
  check(jar4.filter((n) => n.startsWith('access_add_')).length === 2,
    'each code kept by a cookie of its own', jar4);
  await h.goto(`${proxy.url}/v/${codes.PPV_VIDEO}/`, { waitUntil: 'load' });
  check(await session4() === both, 'and still after a page load', await session4());
} catch (e) {
  check(false, 'the run reached its end', e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (proxy) await proxy.close();
  if (stack) await stack.stop();
}
process.exitCode = failures() ? 1 : 0;
