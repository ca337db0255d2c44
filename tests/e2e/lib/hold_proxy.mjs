// A loopback HTTP proxy in front of the stack that can hold one answer back,
// to make a race between two requests of one browser happen every time.
//
//   import { startHoldProxy } from './lib/hold_proxy.mjs';
//   const proxy = await startHoldProxy(stack.url);   // { url, hold, close }
//   const race = proxy.hold({ first: (rq) => ..., second: (rq) => ... });
//   ... the pages send the requests ...
//   await race.done;   // { overlapped, order }
//
// hold() arms once: the answer to the first request matching `first` is
// kept until the request matching `second` has reached the server and
// been answered (both were then sent with the same cookies), then the first
// answer is delivered, and the second 150 ms later: the browser stores the
// first Set-Cookie before the second one overwrites it.  When no `second`
// request comes within timeoutMs (a page that waits for the first answer
// before sending it, as it should), the first answer goes out then and the
// second passes untouched.  overlapped says whether the second request was
// sent while the first answer was still out.  Cookies are per host, not
// per port, so the stack's cookie is the proxy's.
import http from 'node:http';
import { freePort } from './stack.mjs';

export async function startHoldProxy(target) {
  const up = new URL(target);
  let plan = null;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const role = plan ? plan.role(req) : null;
      const fwd = http.request({
        host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers,
      }, (ur) => {
        const parts = [];
        ur.on('data', (c) => parts.push(c));
        ur.on('end', () => {
          const deliver = () => { res.writeHead(ur.statusCode, ur.headers); res.end(Buffer.concat(parts)); };
          if (role) plan.answered(role, deliver);
          else deliver();
        });
      });
      fwd.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      fwd.end(Buffer.concat(chunks));
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));

  function hold({ first, second, timeoutMs = 2500 }) {
    const st = { firstSeen: false, secondSeen: false, released: false, overlapped: false,
      firstDeliver: null, secondDeliver: null, timer: null, order: [] };
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    const end = () => { plan = null; finish({ overlapped: st.overlapped, order: st.order }); };
    const release = () => {
      if (st.released) return;
      st.released = true;
      clearTimeout(st.timer);
      st.order.push('first');
      st.firstDeliver();
      // else the second request is still to come: it will pass untouched
      if (st.secondDeliver) setTimeout(() => { st.order.push('second'); st.secondDeliver(); end(); }, 150);
    };
    plan = {
      role(req) {
        if (!st.firstSeen && first(req)) { st.firstSeen = true; return 'first'; }
        if (st.firstSeen && !st.secondSeen && second(req)) {
          st.secondSeen = true;
          st.overlapped = !st.released;
          return 'second';
        }
        return null;
      },
      answered(role, deliver) {
        if (role === 'first') {
          st.firstDeliver = deliver;
          if (st.secondDeliver) release();
          else st.timer = setTimeout(release, timeoutMs);
          return;
        }
        if (st.released) { st.order.push('second'); deliver(); end(); return; }
        st.secondDeliver = deliver;
        if (st.firstDeliver) release();
      },
    };
    return { done };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    hold,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
