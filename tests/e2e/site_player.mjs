// site_player.mjs — the watch page's player in headless Chromium: Play asks
// the verifier (/api/play, simulated with page.route) for a signed URL and
// plays the HLS stream (an ffmpeg-made test pattern standing in for the
// Bunny CDN); when the CDN starts answering 403 mid-play (the signed URL
// expired), the page fetches a fresh URL and resumes at the same position.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.ROOT || process.cwd();
const artifacts = process.env.ARTIFACTS || join(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });
let failed = 0;
const ok = (cond, what, detail) => {
  if (cond) console.log(`ok - ${what}`);
  else { failed++; console.log(`not ok - ${what}`); if (detail !== undefined) console.log(`#   ${detail}`); }
};
const PUBLIC = 'bdd640fb-0667-4ad1-9c80-317fa3b1799d';

const dir = mkdtempSync(join(tmpdir(), 'site-player-'));
let server = null, browser = null, userDir = null;
try {
  const hls = join(dir, 'hls');
  mkdirSync(hls);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=90:size=320x180:rate=10',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '20', '-keyint_min', '20', '-sc_threshold', '0',
    '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', join(hls, 'seg%03d.ts'),
    join(hls, 'playlist.m3u8')]);
  const port = execFileSync('bash', ['tests/site/prepare_site.sh', dir], { cwd: root, env: process.env })
    .toString().trim().split('\n').pop();
  server = spawn('lighttpd', ['-D', '-f', join(dir, 'lighttpd.conf')], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + '/')).ok) break; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 50));
  }
  userDir = mkdtempSync(join(tmpdir(), 'chromium-'));
  browser = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
  for (const engine of ['native', 'hls.js']) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    if (engine === 'hls.js') {
      // a browser without native HLS (Firefox, desktop Chrome before it had it)
      await page.addInitScript(() => {
        const orig = HTMLMediaElement.prototype.canPlayType;
        HTMLMediaElement.prototype.canPlayType = function (t) { return /mpegurl/i.test(t) ? '' : orig.call(this, t); };
      });
    }
    // The CDN: /tok1/... (the first signed URL) works until the test marks
    // it expired, then answers 403 like Bunny; /tok2/... always works.
    const cdn = { tok1: 0, tok2: 0, denied: 0, expired: false, vtt: [] };
    await page.route(/vz-test-1\.b-cdn\.net/, r => {
      const u = new URL(r.request().url());
      // captions: under the same token as the playlist /api/play gave
      if (/^\/tok[12]\/[0-9a-f-]{36}\/captions\/[A-Za-z0-9-]+\.vtt$/.test(u.pathname)) {
        cdn.vtt.push(u.pathname);
        return r.fulfill({ status: 200, body: 'WEBVTT\n\n00:00.000 --> 01:30.000\nHello\n',
          headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/vtt' } });
      }
      const m = u.pathname.match(/^\/(tok[12])\/[0-9a-f-]{36}\/(playlist\.m3u8|seg(\d+)\.ts)$/);
      if (!m) return r.fulfill({ status: 204, body: '' });
      cdn[m[1]]++;
      if (m[1] === 'tok1' && cdn.expired) {
        cdn.denied++;
        return r.fulfill({ status: 403, body: 'token expired', headers: { 'Access-Control-Allow-Origin': '*' } });
      }
      return r.fulfill({ status: 200, body: readFileSync(join(hls, m[2])), headers: {
        'Access-Control-Allow-Origin': '*',
        'Content-Type': m[2].endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t' } });
    });
    const plays = [];
    await page.route('**/api/play/**', async r => {
      const t = await page.evaluate(() => document.getElementById('video').currentTime).catch(() => -1);
      plays.push(t);
      const tok = plays.length === 1 ? 'tok1' : 'tok2';
      r.fulfill({ status: 200, contentType: 'application/json',
        body: JSON.stringify({ url: `https://vz-test-1.b-cdn.net/${tok}/${PUBLIC}/playlist.m3u8`, expires_at: 0 }) });
    });

    await page.goto(`${base}/v/${PUBLIC}/`, { waitUntil: 'load' });
    // start clean: no resume position from the previous engine's run
    await page.evaluate(() => localStorage.clear());
    await page.reload({ waitUntil: 'load' });
    await page.evaluate(() => {
      window.__times = [];
      document.getElementById('video').addEventListener('timeupdate', e => window.__times.push(e.target.currentTime));
    });
    const html = await page.content();
    const tracksBefore = await page.evaluate(() => document.querySelectorAll('#video track').length);
    ok(tracksBefore === 0 && !/\.vtt|b-cdn\.net/.test(html) && /data-srclang="en"/.test(html),
      `${engine}: the page lists the caption language, with no caption URL and no CDN link`);
    await page.click('#play');
    await page.waitForFunction(() => document.getElementById('video').currentTime > 3, null, { timeout: 60000 }).catch(() => {});
    const tracks = await page.evaluate(() => Array.from(document.querySelectorAll('#video track'))
      .map(t => ({ src: t.src, lang: t.srclang, label: t.label, def: t.default })));
    ok(tracks.length === 1 && tracks[0].src === `https://vz-test-1.b-cdn.net/tok1/${PUBLIC}/captions/en.vtt` &&
      tracks[0].lang === 'en' && tracks[0].label === 'English </track>' && tracks[0].def,
      `${engine}: after Play, the caption track is the playlist URL from /api/play with captions/en.vtt`,
      JSON.stringify(tracks));
    ok(cdn.vtt.length > 0, `${engine}: the browser fetched the caption file under that token`, JSON.stringify(cdn.vtt));
    const before = await page.evaluate(() => document.getElementById('video').currentTime);
    cdn.expired = true;
    // Players buffer far ahead: seek past the buffer so the next request happens now.
    void before;
    await page.evaluate(() => { document.getElementById('video').currentTime = 60; });
    const target = 63;
    await page.waitForFunction(t => document.getElementById('video').currentTime > t, target, { timeout: 60000 }).catch(() => {});
    const t = await page.evaluate(() => document.getElementById('video').currentTime);
    const times = await page.evaluate(() => window.__times);
    const isHls = await page.evaluate(() => !!window.Hls);
    console.log(`# ${engine}: play calls at ${JSON.stringify(plays)}, cdn ${JSON.stringify(cdn)}, now ${t.toFixed(1)} s`);
    ok(plays.length >= 1 && cdn.tok1 > 0, `${engine}: Play asked /api/play and played the signed playlist`);
    ok(engine === 'native' ? !isHls : isHls, `${engine}: ${engine === 'native' ? 'hls.js never loaded' : 'hls.js loaded at playback'}`);
    ok(cdn.denied > 0 && plays.length === 2 && cdn.tok2 > 0,
      `${engine}: a 403 from the CDN mid-play fetched a fresh URL once`);
    ok(t > target, `${engine}: playback went on with the fresh URL (at ${t.toFixed(1)} s, wanted > ${target.toFixed(1)})`);
    const resumeFrom = plays.length > 1 ? plays[1] : 0;
    // played on from the start: two increasing readings well before the resume point
    const restarted = times.some((x, i) => i > 1 && times[i - 2] > resumeFrom - 0.5 &&
      x < resumeFrom - 1.5 && times[i + 1] !== undefined && times[i + 1] > x && times[i + 1] < resumeFrom - 1.5);
    ok(!restarted, `${engine}: resumed where it was (${resumeFrom.toFixed(1)} s), not from the start`,
      JSON.stringify(times.map(x => Math.round(x * 10) / 10)));
    ok(errors.length === 0, `${engine}: no JavaScript errors`, errors.join(' | '));
    await page.screenshot({ path: join(artifacts, `site-player-${engine.replace('.', '')}.png`) });
    await page.close();
  }
} catch (e) {
  failed++;
  console.log(`not ok - the player test ran to the end\n#   ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
