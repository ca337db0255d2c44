// Browser test of the demo media through the Bunny pull-zone stand-in,
// independent of the site and the verifier: Debian's Chromium must play the
// committed HLS streams (H.264 + AAC) cross-origin from tests/fakes/bunny_cdn.py
// with a directory token, with hls.js (MSE) and with Chromium's native HLS,
// and must get nothing without a token.  Also checks signed thumbnails load
// in an <img> and unsigned ones do not.  Screenshots go to $ARTIFACTS.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, waitForPlayback } from './lib/browser.mjs';
import { check, failures } from './lib/tap.mjs';

const ROOT = process.env.ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'tests/artifacts');
const SHOTS = path.join(ARTIFACTS, 'cdn_playback');
mkdirSync(SHOTS, { recursive: true });

const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// Bunny HS256 directory token for every file under /<guid>/ (bunny.md §4.3).
function signedDir(base, key, guid, file, expires) {
  const tokenPath = `/${guid}/`;
  const mac = createHmac('sha256', key).update(`${tokenPath}${expires}token_path=${tokenPath}`).digest();
  return `${base}/bcdn_token=HS256-${b64url(mac)}&token_path=${encodeURIComponent(tokenPath)}` +
    `&expires=${expires}/${guid}/${file}`;
}

function startCdn(key) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', [path.join(ROOT, 'tests/fakes/bunny_cdn.py'), '--media',
      path.join(ROOT, 'demo/media'), '--key', key], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ proc, base: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`bunny_cdn exited (${code}) before listening`)));
  });
}

// The page under test: one <video> fed by hls.js or natively, from ?src=.
const PAGE = `<!doctype html><meta charset="utf-8"><title>cdn playback</title>
<script src="/hls.js"></script>
<video id="v" muted playsinline controls width="426" height="240"></video>
<img id="thumb" alt="">
<pre id="log"></pre>
<script>
const q = new URLSearchParams(location.search), v = document.getElementById('v');
window.hlsErrors = [];
if (q.get('thumb')) document.getElementById('thumb').src = q.get('thumb');
if (q.get('engine') === 'native') { v.src = q.get('src'); }
else if (q.get('src')) {
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (e, d) => { if (d.fatal) window.hlsErrors.push(
    { type: d.type, details: d.details, code: d.response && d.response.code }); });
  hls.loadSource(q.get('src')); hls.attachMedia(v);
}
v.play().catch(() => {});
</script>`;

function startPageServer() {
  const hlsJs = readFileSync(path.join(ROOT, 'node_modules/hls.js/dist/hls.min.js'));
  const srv = http.createServer((req, res) => {
    if (req.url === '/hls.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(hlsJs);
    } else if (req.url.startsWith('/page')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () =>
    resolve({ srv, base: `http://127.0.0.1:${srv.address().port}` })));
}

const key = randomBytes(16).toString('hex');
const map = JSON.parse(readFileSync(path.join(ROOT, 'demo/media/map.json'), 'utf8'));
const guid = Object.keys(map).sort()[0];
let cdn, pages, browser;
try {
  cdn = await startCdn(key);
  pages = await startPageServer();
  browser = await launchBrowser({ viewport: { width: 640, height: 400 } });
  const page = await browser.context.newPage();
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const signed = signedDir(cdn.base, key, guid, 'playlist.m3u8', exp);
  const open = (params) => page.goto(`${pages.base}/page?${new URLSearchParams(params)}`);

  const codecs = await (async () => { await open({}); return page.evaluate(() => ({
    mse: MediaSource.isTypeSupported('video/mp4; codecs="avc1.42c01e,mp4a.40.2"'),
    native: document.createElement('video').canPlayType('application/vnd.apple.mpegurl'),
  })); })();
  console.log(`# chromium: MSE H.264/AAC ${codecs.mse}, native HLS "${codecs.native}"`);
  check(codecs.mse, 'Chromium supports H.264 + AAC through MSE (what hls.js needs)', codecs);

  await open({ src: signed, engine: 'hlsjs' });
  try {
    const { before, after } = await waitForPlayback(page);
    check(after > before, `hls.js plays a signed stream cross-origin (${before.toFixed(2)} -> ${after.toFixed(2)} s)`);
  } catch (e) {
    check(false, 'hls.js plays a signed stream cross-origin', `${e.message}; hls errors ` +
      JSON.stringify(await page.evaluate(() => window.hlsErrors)));
  }
  await page.screenshot({ path: path.join(SHOTS, '1-hlsjs-signed.png') });

  await open({ src: signed, engine: 'native' });
  if (codecs.native) {
    try {
      const { before, after } = await waitForPlayback(page);
      check(after > before, `native HLS plays a signed stream (${before.toFixed(2)} -> ${after.toFixed(2)} s)`);
    } catch (e) {
      check(false, 'native HLS plays a signed stream', e.message);
    }
  } else {
    console.log('# native HLS not offered by this Chromium: the site uses hls.js');
  }
  await page.screenshot({ path: path.join(SHOTS, '2-native-signed.png') });

  const unsigned = `${cdn.base}/${guid}/playlist.m3u8`;
  await open({ src: unsigned, engine: 'hlsjs' });
  await page.waitForFunction(() => window.hlsErrors.length > 0, null, { timeout: 20000 }).catch(() => {});
  const errs = await page.evaluate(() => window.hlsErrors);
  const t = await page.$eval('video', (v) => v.currentTime);
  check(errs.some((e) => e.code === 403) && t === 0,
    'without a token hls.js gets a fatal 403 and nothing plays', { errs, currentTime: t });
  await page.screenshot({ path: path.join(SHOTS, '3-hlsjs-unsigned.png') });

  const thumbWidth = async (src) => {
    await open({ thumb: src });
    await page.waitForFunction(() => document.getElementById('thumb').complete, null, { timeout: 10000 });
    return page.$eval('#thumb', (i) => i.naturalWidth);
  };
  check(await thumbWidth(signedDir(cdn.base, key, guid, 'thumbnail.jpg', exp)) === 426,
    'a signed thumbnail loads in an <img> (426 px wide)');
  check(await thumbWidth(`${cdn.base}/${guid}/thumbnail.jpg`) === 0, 'an unsigned thumbnail does not load');
} catch (e) {
  check(false, 'cdn playback test ran to the end', e.stack || String(e));
} finally {
  if (browser) await browser.close();
  if (pages) pages.srv.close();
  if (cdn) { cdn.proc.removeAllListeners('exit'); cdn.proc.kill('SIGTERM'); }
}
process.exitCode = failures() ? 1 : 0;
