// audit_axe.mjs — the pages of `make run`'s real stack (startStack) audited in
// headless Chromium at 1440x900 and 390x844: home, a category, a tag, a
// series, search (with results), code, 404, watch pages public, locked
// and unlocked (a VIP code redeemed through the API, as the page's form does),
// and the embed pages /e/<guid>/ of a public and a locked video.
// On every page and size:
//   - axe-core (injected through the DevTools protocol, which the site's CSP
//     does not govern): 0 violations of its default rules (WCAG 2 A/AA and
//     best practices); each violation printed with rule, impact and targets;
//   - no console error, no uncaught exception, no request answered >= 400
//     (but the 404 page's own document);
//   - every image that loaded is drawn at most 1.5x its intrinsic width at
//     DPR 1 (srcset/sizes pick a big enough file).
// Screenshots: $ARTIFACTS/audit/<page>-<width>.png.
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = path.join(process.env.ARTIFACTS || 'tests/artifacts', 'audit');
mkdirSync(ARTIFACTS, { recursive: true });
const SIZES = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];
const MAX_UPSCALE = 1.5;

/** The first entry of site/<dir>/ (a tag, a series), as a URL path. */
function firstUnder(site, dir) {
  const names = readdirSync(path.join(site, dir)).filter((n) => !n.startsWith('.')).sort();
  return names.length ? `/${dir}/${names[0]}/` : null;
}

/** Loads url in page and audits it; returns the axe violations. */
async function audit(page, stack, name, url, size, { expectStatus = 200 } = {}) {
  const problems = [];
  // A 404 page's own status is logged by Chromium as a failed load: not a finding.
  const onConsole = (m) => {
    if (m.type() !== 'error') return;
    if (expectStatus !== 200 && m.location().url === stack.url + url) return;
    problems.push(`console error: ${m.text()} (${m.location().url})`);
  };
  const onError = (e) => problems.push(`uncaught: ${e.message}`);
  const onResponse = (r) => {
    const own = r.request().isNavigationRequest() && r.request().frame() === page.mainFrame();
    if (r.status() >= 400 && !(own && r.status() === expectStatus)) problems.push(`${r.status()} ${r.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onError);
  page.on('response', onResponse);
  let resp;
  try {
    await page.setViewportSize(size);
    resp = await page.goto(stack.url + url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
    if (name === 'search') {
      await page.waitForSelector('#results .card', { timeout: 5000 }).catch(() => {});
    }
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onError);
    page.off('response', onResponse);
  }
  const tag = `${name} (${url}) at ${size.width}x${size.height}`;
  check(resp && resp.status() === expectStatus, `${tag}: HTTP ${expectStatus}`, String(resp && resp.status()));
  await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const lines = [];
  for (const v of res.violations) {
    lines.push(`${v.id} (${v.impact}) on ${v.nodes.length} node(s): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`    ${n.target.join(' ')}`);
    if (v.nodes.length > 5) lines.push(`    ... ${v.nodes.length - 5} more`);
  }
  check(res.violations.length === 0, `${tag}: axe-core ${res.testEngine.version}, 0 violations`, lines.join('\n'));
  check(problems.length === 0, `${tag}: no console error, no failed request`, problems.join('\n'));

  const unsized = await page.$$eval('img', (els) => els.filter((i) => !i.srcset || !i.sizes)
    .map((i) => i.getAttribute('src')));
  check(unsized.length === 0, `${tag}: every <img> has srcset and sizes`, unsized.join('\n'));
  const imgs = await page.$$eval('img', (els) => els.map((i) => ({
    src: i.currentSrc, natural: i.naturalWidth, drawn: i.getBoundingClientRect().width,
  })).filter((i) => i.src && i.natural > 0 && i.drawn > 0));
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const blurry = imgs.filter((i) => (i.drawn * dpr) / i.natural > MAX_UPSCALE)
    .map((i) => `${i.src.replace(stack.url, '')}: ${i.natural}px drawn at ${Math.round(i.drawn)}px`);
  check(blurry.length === 0,
    `${tag}: ${imgs.length} loaded image(s), none drawn over ${MAX_UPSCALE}x its width (DPR ${dpr})`,
    blurry.join('\n'));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size.width}.png`) });
  return res.violations;
}

const stack = await startStack();
const browser = await launchBrowser({ viewport: SIZES[0] });
const summary = {};
try {
  const site = path.join(stack.dir, 'site');
  const pub = stack.videos.find((v) => v.access === 'public');
  const { VIP_CODE, VIP_VIDEO } = stack.codes;
  const pages = [
    ['home', '/'],
    ['category', firstUnder(site, 'c')],
    ['tag', firstUnder(site, 't')],
    ['series', firstUnder(site, 's')],
    ['search', '/search/?q=a'],
    ['code', '/code/'],
    ['404', '/no-such-page/', { expectStatus: 404 }],
    ['watch-public', pub && `/v/${pub.guid}/`],
    ['watch-locked', VIP_VIDEO && `/v/${VIP_VIDEO}/`],
    ['embed-public', pub && `/e/${pub.guid}/`],
    ['embed-locked', VIP_VIDEO && `/e/${VIP_VIDEO}/`],
  ];
  const page = await browser.context.newPage();
  const run = async (name, url, opts) => {
    if (!check(!!url, `${name}: the demo has such a page`)) return;
    for (const size of SIZES) {
      for (const v of await audit(page, stack, name, url, size, opts)) {
        (summary[v.id] ||= new Set()).add(`${name}@${size.width}`);
      }
    }
  };
  for (const [name, url, opts] of pages) await run(name, url, opts);

  // Unlocked: the VIP code redeemed from the page, as its form does.
  await page.goto(`${stack.url}/code/`);
  const st = await page.evaluate((code) => fetch('/api/redeem', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }),
  }).then((r) => r.status), VIP_CODE);
  check(st === 200, 'the VIP code redeems (200)', String(st));
  await run('watch-unlocked', VIP_VIDEO && `/v/${VIP_VIDEO}/`);
} finally {
  await browser.close();
  await stack.stop();
}
for (const [rule, where] of Object.entries(summary)) console.log(`# axe ${rule}: ${[...where].join(', ')}`);
process.exit(failures() ? 1 : 0);
