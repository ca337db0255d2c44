// play_ttl.mjs — short-lived play URLs do not cut a video short.  The real
// stack (scripts/run-demo: lighttpd + bin/verifier.so + the demo site) runs
// with ONLY_PLAY_TTL=2, so every URL /api/play signs expires 2-3 s later.
// The pull zone is tests/fakes/bunny_cdn.py with the stack's key, serving a
// 60 s stream made here with ffmpeg (the demo's streams are 4 s) for a public
// video; Chromium's requests for the stack's CDN go to it unchanged, token
// and all, and it answers 403 once a token has expired, as Bunny does.  The
// player (themes/default/static/watch.js) must ask /api/play again on those
// 403s and play on, at 4x, to the video's end: with Chromium's native HLS
// when it has one, and with hls.js.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { ROOT, startStack } from './lib/stack.mjs';
import { check, failures } from './lib/tap.mjs';

const TTL = 2, LENGTH = 60, RATE = 4;
const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

function startCdn(media, keyFile) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', [path.join(ROOT, 'tests/fakes/bunny_cdn.py'), '--media', media,
      '--key-file', keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ proc, base: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`bunny_cdn exited (${code}) before listening`)));
  });
}

async function playThrough(browser, stack, cdn, guid, engine) {
  const page = await browser.context.newPage();
  const errors = [], plays = [], denied = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (engine === 'hls.js') {
    await page.addInitScript(() => {
      const orig = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (t) { return /mpegurl/i.test(t) ? '' : orig.call(this, t); };
    });
  }
  // Watching at RATE x: a fresh src (a refresh) resets playbackRate.
  await page.addInitScript((rate) => {
    document.addEventListener('playing', (e) => { e.target.playbackRate = rate; }, true);
  }, RATE);
  page.on('response', async (r) => {
    if (r.url().includes('/api/play/')) {
      const body = await r.json().catch(() => ({}));
      plays.push({ status: r.status(), ttl: body.expires_at - Math.floor(Date.now() / 1000) });
    }
  });
  await page.route(`${stack.cdn}/**`, async (route) => {
    const res = await route.fetch({ url: route.request().url().replace(stack.cdn, cdn.base) });
    if (res.status() === 403) denied.push(new URL(route.request().url()).pathname.split('/').pop());
    await route.fulfill({ response: res });
  });
  await page.goto(`${stack.url}/v/${guid}/`, { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.reload({ waitUntil: 'load' });
  await page.click('#play');
  const timeout = (LENGTH / RATE + 60) * 1000;
  await page.waitForFunction(() => document.getElementById('video').ended, null,
    { timeout, polling: 200 }).catch(() => {});
  const st = await page.$eval('#video', (v) => ({
    ended: v.ended, t: v.currentTime, d: v.duration, error: v.error && v.error.code,
    hls: !!window.Hls, msg: (document.getElementById('player-msg') || {}).textContent,
  }));
  console.log(`# ${engine}: ${plays.length} /api/play answers ${JSON.stringify(plays)}; ` +
    `${denied.length} CDN 403s; state ${JSON.stringify(st)}`);
  check(plays.length > 0 && plays.every((p) => p.status === 200 && p.ttl >= TTL - 1 && p.ttl <= TTL + 1),
    `${engine}: every play URL lives ONLY_PLAY_TTL=${TTL} s`, plays);
  check(engine === 'native' ? !st.hls : st.hls, `${engine}: ${engine === 'native' ? 'native HLS' : 'hls.js'} played it`);
  check(denied.length > 0 && plays.length >= 2,
    `${engine}: the CDN refused expired tokens (${denied.length}) and the player asked again ` +
    `(${plays.length} URLs)`);
  check(st.ended && st.d >= LENGTH - 1 && st.t >= LENGTH - 1,
    `${engine}: a ${LENGTH} s video played to its end (${st.t.toFixed(1)} of ${st.d} s) on ${TTL} s URLs`, st);
  check(errors.length === 0, `${engine}: no JavaScript errors`, errors.join(' | '));
  await page.screenshot({ path: path.join(ARTIFACTS, `play-ttl-${engine.replace('.', '')}.png`) });
  await page.close();
}

const dir = mkdtempSync(path.join(tmpdir(), 'play-ttl-'));
let stack, cdn, browser;
try {
  process.env.ONLY_PLAY_TTL = String(TTL);
  stack = await startStack();
  const pub = stack.videos.find((v) => v.access === 'public');
  const media = path.join(dir, 'media'), hls = path.join(dir, 'media', 'long');
  mkdirSync(hls, { recursive: true });
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=duration=${LENGTH}:size=320x180:rate=10`,
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '20', '-keyint_min', '20',
    '-sc_threshold', '0', '-hls_time', '2', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', path.join(hls, 'seg%03d.ts'), path.join(hls, 'playlist.m3u8')]);
  writeFileSync(path.join(media, 'map.json'), JSON.stringify({ [pub.guid]: 'long' }));
  cdn = await startCdn(media, path.join(stack.dir, 'var/verifier.keys'));
  browser = await launchBrowser({ viewport: { width: 800, height: 600 } });
  const probe = await browser.context.newPage();
  await probe.goto(`${stack.url}/`);
  const native = await probe.evaluate(() => document.createElement('video').canPlayType('application/vnd.apple.mpegurl'));
  await probe.close();
  console.log(`# chromium native HLS: "${native}"`);
  if (native) await playThrough(browser, stack, cdn, pub.guid, 'native');
  else console.log('# native HLS not offered by this Chromium: hls.js only');
  await playThrough(browser, stack, cdn, pub.guid, 'hls.js');
} catch (e) {
  check(false, 'the play TTL test ran to the end', e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (cdn) { cdn.proc.removeAllListeners('exit'); cdn.proc.kill('SIGTERM'); }
  if (stack) await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failures() ? 1 : 0;
