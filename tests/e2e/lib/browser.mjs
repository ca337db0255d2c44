// Launch helper for the browser tests: Debian's Chromium, headless, driven
// by playwright-core, in a fresh throw-away profile.
//
//   import { launchBrowser } from './lib/browser.mjs';
//   const browser = await launchBrowser();
//   const page = await browser.context.newPage();
//   ...
//   await browser.close();          // closes Chromium, removes the profile
//
// Environment: CHROMIUM (default /usr/bin/chromium), HEADED=1 to watch.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Media may start from script without a fresh user gesture, so a test does
  // not depend on how long Chromium keeps a click's activation.
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Start Chromium with a fresh --user-data-dir.
 * options: { viewport: {width, height}, extraArgs: [...], javaScriptEnabled: false }
 * Returns { context, close }: context is a playwright BrowserContext;
 * close() shuts the browser and deletes the profile (safe to call twice).
 */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'onlymatt-chromium-'));
  const headed = process.env.HEADED === '1';
  const args = CHROMIUM_ARGS.filter((a) => !(headed && a === '--headless'))
    .concat(options.extraArgs || []);
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: !headed,
      args,
      viewport: options.viewport || { width: 1280, height: 800 },
      javaScriptEnabled: options.javaScriptEnabled !== false,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start Chromium (${process.env.CHROMIUM || '/usr/bin/chromium'}): ` +
      `${e.message.split('\n')[0]}; run scripts/install-deps`);
  }
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Wait until the page's first <video> (or the one matching selector) has
 * played: currentTime advanced by at least `by` seconds beyond where it was
 * when called.  Resolves to { before, after }; throws with the element's
 * state (readyState, networkState, error code) when it does not advance
 * within timeoutMs.
 */
export async function waitForPlayback(page, { selector = 'video', by = 0.5, timeoutMs = 20000 } = {}) {
  const before = await page.$eval(selector, (v) => v.currentTime);
  try {
    await page.waitForFunction(
      ({ sel, t }) => { const v = document.querySelector(sel); return v && v.currentTime >= t; },
      { sel: selector, t: before + by }, { timeout: timeoutMs, polling: 100 });
  } catch {
    const st = await page.$eval(selector, (v) => ({
      currentTime: v.currentTime, paused: v.paused, readyState: v.readyState,
      networkState: v.networkState, error: v.error && v.error.code, src: v.currentSrc,
    })).catch((e) => ({ missing: e.message }));
    throw new Error(`video did not play: ${JSON.stringify(st)}`);
  }
  const after = await page.$eval(selector, (v) => v.currentTime);
  return { before, after };
}
