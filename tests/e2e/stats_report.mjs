// stats_report.mjs — the `onlygen stats --html` report (issue 16) in
// headless Chromium: the golden report of tests/fixtures/stats (the
// generator's exact output on the fixed log, kept equal to it by
// tests/integration/stats_report.py), opened from a file:// URL at
// 1440x900 and 390x844:
//   - no console error, no page error, no request but the file itself
//     (no script, nothing fetched: the report is self-contained)
//   - both SVG charts drawn (the daily line, the top-10 bars), readable on
//     a phone: no horizontal scroll of the page, chart text >= 9 px
//   - the hostile title shows as text, never as markup
// Screenshots (full page) go to $ARTIFACTS/stats/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from './lib/browser.mjs';
import { ROOT } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'stats');
mkdirSync(SHOTS, { recursive: true });
const REPORT = pathToFileURL(path.join(ROOT, 'tests/fixtures/stats/golden/report.html')).href;
const SIZES = [{ name: 'desktop', width: 1440, height: 900 }, { name: 'mobile', width: 390, height: 844 }];

let browser;
try {
  browser = await launchBrowser();
  for (const size of SIZES) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: size.width, height: size.height });
    const errors = [];
    const requests = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(REPORT, { waitUntil: 'load' });
    const info = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('svg')].map((s) => {
        const r = s.getBoundingClientRect();
        return { w: r.width, h: r.height };
      });
      const texts = [...document.querySelectorAll('svg text')]
        .map((t) => t.getBoundingClientRect().height).filter((h) => h > 0);
      return {
        svgs,
        minText: Math.min(...texts),
        scrollW: document.scrollingElement.scrollWidth,
        scripts: document.scripts.length,
        hostile: [...document.querySelectorAll('td')].some((td) => td.textContent.includes('<script>alert(1)</script>')),
        h1: document.querySelector('h1').textContent,
      };
    });
    check(errors.length === 0, `${size.name}: no console or page error`, errors.join('\n'));
    check(requests.length === 1 && requests[0] === REPORT,
      `${size.name}: nothing fetched but the report itself`, requests.join('\n'));
    check(info.scripts === 0, `${size.name}: no script`);
    check(info.svgs.length === 2 && info.svgs.every((s) => s.w > 200 && s.h > 100),
      `${size.name}: two SVG charts drawn`, info.svgs);
    check(info.scrollW <= size.width, `${size.name}: no horizontal scroll (${info.scrollW} px)`);
    check(info.minText >= 9, `${size.name}: chart text at least 9 px high (${info.minText.toFixed(1)})`);
    check(info.hostile && info.h1 === "What sells: Matt's <b>site</b>",
      `${size.name}: hostile titles shown as text`, info.h1);
    await page.screenshot({ path: path.join(SHOTS, `report-${size.name}.png`), fullPage: true });
    await page.close();
  }
} catch (e) {
  check(false, 'stats report in Chromium', e.stack || String(e));
} finally {
  if (browser) await browser.close();
}
process.exit(failures() ? 1 : 0);
