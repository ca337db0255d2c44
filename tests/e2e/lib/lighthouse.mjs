// Lighthouse (npm lighthouse, pinned in package.json) against a running site,
// through its node API, in Debian's Chromium.
//
//   import { runLighthouse } from './lib/lighthouse.mjs';
//   const r = await runLighthouse(url, { formFactor: 'mobile', outDir, name });
//   // r: { scores: { performance, accessibility, 'best-practices', seo } (0..100),
//   //      failing: [{ category, id, title, score }], files: [json, html] }
//
// One fresh Chromium (own --user-data-dir) per run, so no cache, cookie or
// service worker carries over.  Mobile is Lighthouse's default (Moto G
// Power emulation, simulated slow 4G and 4x CPU); desktop its desktop
// preset.  Throttling is *simulated* (Lantern): the page loads at full
// speed and the score is computed from the observed dependency graph, so a
// busy machine moves it far less than devtools throttling would.
//
// Mobile's CPU slowdown is calibrated to the host, as Lighthouse's
// docs/throttling.md asks ("calibrating multipliers"): its 4x assumes a host
// with a benchmark index of about 1000 emulating a Moto G Power (about 264,
// the figure Chrome DevTools' calibration uses); Lighthouse warns below 1000.
// So the multiplier is the host's index (Lighthouse's own benchmark, median
// of 5, measured in the same Chromium just before the run) / 264, between 1
// and 4.  A busy 2-core box (index 300-800) gets 1.1-3x instead of a 4x
// that would emulate a phone several times slower than the target one.
// LH_CPU_MULTIPLIER=N forces a multiplier (4: Lighthouse's default).
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as constants from 'lighthouse/core/config/constants.js';
import { pageFunctions } from 'lighthouse/core/lib/page-functions.js';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

export const TARGET_BENCHMARK = 264;

/** Lighthouse's benchmark index of the Chromium on port (median of 5). */
async function benchmarkIndex(port) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const ctx = browser.contexts()[0] || await browser.newContext();
    const page = await ctx.newPage();
    const fn = `(${pageFunctions.computeBenchmarkIndex.toString()})()`;
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await page.evaluate(fn));
    await page.close();
    runs.sort((a, b) => a - b);
    return runs[2];
  } finally {
    await browser.close().catch(() => {});
  }
}

export async function runLighthouse(url, { formFactor = 'mobile', outDir = null, name = 'lh' } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'onlymatt-lighthouse-'));
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
    userDataDir: profile,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync'],
    logLevel: 'silent',
  });
  try {
    const flags = { port: chrome.port, output: ['json', 'html'], logLevel: 'error',
      onlyCategories: CATEGORIES };
    let config = desktopConfig, bench = null, multiplier = 1;
    if (formFactor !== 'desktop') {
      bench = await benchmarkIndex(chrome.port);
      multiplier = Number(process.env.LH_CPU_MULTIPLIER) ||
        Math.round(Math.min(4, Math.max(1, bench / TARGET_BENCHMARK)) * 10) / 10;
      config = { extends: 'lighthouse:default', settings: {
        throttling: { ...constants.throttling.mobileSlow4G, cpuSlowdownMultiplier: multiplier } } };
    }
    const result = await lighthouse(url, flags, config);
    if (!result || !result.lhr) throw new Error(`lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const scores = {};
    const failing = [];
    for (const id of CATEGORIES) {
      const cat = lhr.categories[id];
      scores[id] = cat.score === null ? null : Math.round(cat.score * 100);
      for (const ref of cat.auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1 &&
            a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable') {
          failing.push({ category: id, id: ref.id, title: a.title, score: a.score,
            value: a.displayValue || '' });
        }
      }
    }
    const files = [];
    if (outDir) {
      const [json, html] = result.report;
      files.push(path.join(outDir, `${name}.json`), path.join(outDir, `${name}.html`));
      writeFileSync(files[0], json);
      writeFileSync(files[1], html);
    }
    const m = lhr.audits;
    const metrics = {
      fcp: m['first-contentful-paint']?.displayValue, lcp: m['largest-contentful-paint']?.displayValue,
      tbt: m['total-blocking-time']?.displayValue, cls: m['cumulative-layout-shift']?.displayValue,
    };
    return { scores, failing, files, metrics, bench, multiplier,
      lhBench: lhr.environment.benchmarkIndex };
  } finally {
    await chrome.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}
