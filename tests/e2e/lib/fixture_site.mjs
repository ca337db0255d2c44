// Serve the fixture site (tests/fixtures/site: hostile titles) for a browser
// test: tests/site/prepare_site.sh builds it into a fresh directory with a
// lighttpd configuration on a free port; lighttpd is started and waited for.
//
//   import { serveFixtureSite } from './lib/fixture_site.mjs';
//   const site = await serveFixtureSite('search-e2e-');  // { base, dir, stop }
//   ...
//   site.stop();                                         // lighttpd killed, directory removed
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './stack.mjs';

export async function serveFixtureSite(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server = null;
  const stop = () => {
    if (server) server.kill();
    server = null;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = execFileSync('bash', ['tests/site/prepare_site.sh', dir], { cwd: ROOT, env: process.env })
      .toString().trim().split('\n').pop();
    server = spawn('lighttpd', ['-D', '-f', join(dir, 'lighttpd.conf')], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(base + '/')).ok) return { base, dir, stop }; } catch { /* not yet */ }
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error(`lighttpd did not answer on ${base}`);
  } catch (e) {
    stop();
    throw e;
  }
}
