// Start and stop the `make run` stack for a browser test: scripts/run-demo
// --background in a fresh state directory, on free loopback ports.
//
//   import { startStack } from './lib/stack.mjs';
//   const stack = await startStack();   // { url, cdn, dir, codes, videos, stop }
//   ...
//   await stack.stop();                 // scripts/run-demo --stop, state removed
//
// codes: { VIP_CODE, VIP_VIDEO, PPV_CODE, PPV_VIDEO } from var/demo-codes;
// videos: [{ guid, access, cdn_host, length }] read from var/access.db
// with the sqlite3 shell (what the verifier will enforce).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = process.env.ROOT ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function runDemo(args, env) {
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'scripts/run-demo'), args, { env, cwd: ROOT, timeout: 300000 },
      (err, stdout, stderr) => (err
        ? reject(new Error(`scripts/run-demo ${args.join(' ')} failed (${err.code}):\n${stdout}${stderr}`))
        : resolve(stdout)));
  });
}

/** Start the stack; throws with run-demo's output when it does not come up. */
export async function startStack() {
  const dir = mkdtempSync(path.join(tmpdir(), 'onlymatt-demo-'));
  const port = await freePort();
  let cdnPort = await freePort();
  while (cdnPort === port) cdnPort = await freePort();
  const env = { ...process.env, PORT: String(port), CDN_PORT: String(cdnPort) };
  // The demo, never a real library, whatever the caller's environment holds.
  delete env.BUNNY_API_KEY;
  delete env.BUNNY_LIBRARY_ID;
  delete env.BUNNY_CDN_HOSTNAME;
  const stop = async () => {
    await runDemo(['--stop', '--dir', dir], env).catch((e) => console.log(`# ${e.message}`));
    rmSync(dir, { recursive: true, force: true });
  };
  let output;
  try {
    output = await runDemo(['--background', '--dir', dir], env);
  } catch (e) {
    await stop();
    throw e;
  }
  const codes = {};
  for (const line of readFileSync(path.join(dir, 'var/demo-codes'), 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) codes[m[1]] = m[2];
  }
  const rows = execFileSync('sqlite3', ['-readonly', '-separator', '|',
    path.join(dir, 'var/access.db'), 'SELECT guid, access, cdn_host, length FROM videos ORDER BY guid;'],
  { encoding: 'utf8' });
  const videos = rows.split('\n').filter(Boolean).map((r) => {
    const [guid, access, cdnHost, length] = r.split('|');
    return { guid, access, cdn_host: cdnHost, length: Number(length) };
  });
  return {
    url: `http://127.0.0.1:${port}`, cdn: `http://127.0.0.1:${cdnPort}`, dir, output, codes, videos, stop,
  };
}
