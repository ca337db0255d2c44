/* watch.js: code entry and playback on watch pages (and the code page),
 * and playback on the embeddable player page /e/<guid>/ (public videos).
 * The verifier is same-origin under /api/; its cookie is HttpOnly, so this
 * script never sees it and never decides a video's level: it only asks
 * /api/play/<guid> for a signed URL and plays what it gets.
 * hls.js is loaded only when playback starts on a browser without native
 * HLS. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var watch = $('watch');
  var video = $('video');
  var msg = $('player-msg');
  var form = $('code-form');
  var codeMsg = $('code-msg');
  var guid = watch ? watch.getAttribute('data-guid') : null;
  var locked = watch ? watch.getAttribute('data-access') !== 'public' : false;
  /* The watch page leaves out what the page already says (issue 15: its
   * bytes): the title is its <h1>, its URL the address, the play API
   * /api/play/<guid>.  The embed page names them (data-title, -url, -play). */
  var h1 = watch && watch.querySelector('h1');
  var title = watch ? watch.getAttribute('data-title') || (h1 ? h1.textContent.trim() : '') : '';
  var pageUrl = watch ? watch.getAttribute('data-url') || location.pathname : '';
  var playApi = watch ? watch.getAttribute('data-play') || '/api/play/' + guid : '';
  /* Play and Resume / Start over are made here on the watch page (issue
   * 15): without JavaScript they could do nothing.  The embed page writes
   * its own. */
  (function () {
    var cover = $('player-cover');
    if (!cover || $('play')) return;
    function el(tag, cls, id, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (id) e.id = id;
      if (text) e.textContent = text;
      return e;
    }
    var play = el('button', 'btn play-btn', 'play'), icon = el('span', '', '', '\u25B6');
    var resume = el('div', 'resume', 'resume');
    var at = el('button', 'btn', 'resume-at', 'Resume'), again = el('button', 'btn btn-ghost', 'restart', 'Start over');
    play.type = at.type = again.type = 'button';
    play.hidden = resume.hidden = true;
    icon.setAttribute('aria-hidden', 'true');
    play.appendChild(icon);
    play.appendChild(document.createTextNode(' Play'));
    play.appendChild(el('span', 'sr', '', ' ' + title));
    resume.appendChild(at);
    resume.appendChild(document.createTextNode(' '));
    resume.appendChild(again);
    cover.insertBefore(resume, cover.firstChild);
    cover.insertBefore(play, resume);
  })();
  var hls = null, hlsLoading = null, started = false, refreshing = false;
  var wantPlay = false;	/* the viewer's intent, kept across a URL refresh */
  var KEY = 'om:progress';
  /* ?t=<seconds> (or #t=): start there, as the chapters' links in the
   * page's JSON-LD (Clip url) ask */
  var linkAt = (function () {
    var m = /(?:^|[?&#])t=(\d{1,6}(?:\.\d+)?)(?:&|$)/.exec(location.search.slice(1) + '#' + location.hash.slice(1));
    return m ? Number(m[1]) : 0;
  })();

  function say(el, text, kind) {
    if (!el) return;
    el.textContent = text || '';
    el.classList.remove('err', 'ok');
    if (kind) el.classList.add(kind);
  }

  /* ---- resume positions (localStorage) ---- */
  function loadAll() { try { return JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { return {}; } }
  function saved() { var e = loadAll()[guid]; return e && typeof e.t === 'number' ? e.t : 0; }
  function save() {
    if (!video || !guid || !started || !(video.duration > 0)) return;
    var all = loadAll();
    all[guid] = { t: Math.floor(video.currentTime), d: Math.floor(video.duration), at: Date.now(),
      title: title, thumb: watch.getAttribute('data-thumb'), url: pageUrl };
    var keys = Object.keys(all);
    if (keys.length > 200) {
      keys.sort(function (a, b) { return (all[a].at || 0) - (all[b].at || 0); });
      keys.slice(0, keys.length - 200).forEach(function (k) { delete all[k]; });
    }
    try { localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* quota: ignore */ }
  }

  /* ---- the verifier ---- */
  function api(method, url, body) {
    var init = { method: method, credentials: 'same-origin', headers: { 'Accept': 'application/json' } };
    if (body) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (t) {
        var j = null;
        try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
        return { status: r.status, json: j || {}, retry: r.headers.get('Retry-After') };
      });
    });
  }

  /* ---- one cookie-setting call at a time, across this browser's tabs ----
   * The access cookie holds every unlock of this device, and each answer
   * that sets it (redeem, session's renewal, logout) writes the whole set,
   * built from the cookie its request carried.  Two such requests in
   * flight at once (two tabs redeeming, or a redeem while another tab's
   * page load renews the cookie) carry the same old set, and the answer
   * stored last would drop the other's unlock.  So they take turns: the
   * next request leaves only once the previous answer (and its cookie) is
   * in.  Web Locks where the browser has them (secure contexts: https,
   * localhost); else a lease in localStorage, best effort.  A holder never
   * keeps the turn longer than LOCK_MAX_MS, whatever its request does. */
  var LOCK = 'om:access-cookie', LOCK_MAX_MS = 15000;
  /* How long a lease written must stay ours before it is taken, read at
   * its middle and its end: another tab's write reaches this tab's copy of
   * localStorage only a moment later, and on a loaded machine 25 ms once
   * let two tabs through together (tests/e2e/unlock_race.mjs, race 3). */
  var LEASE_SETTLE_MS = 150;
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function leaseRead() {
    try { var v = JSON.parse(localStorage.getItem(LOCK) || 'null'); return v && v.exp > Date.now() ? v : null; } catch (e) { return null; }
  }
  /* Runs run() holding the lease: wait while another tab holds a live one,
   * write ours, and own it if it is still ours LEASE_SETTLE_MS later. */
  function leased(run) {
    var id = Math.random().toString(36).slice(2) + '.' + Date.now();
    var giveUp = Date.now() + 2 * LOCK_MAX_MS;
    try { localStorage.getItem(LOCK); } catch (e) { return run(); }	/* no storage: no lease */
    return new Promise(function (acquired) {
      (function attempt() {
        var cur = leaseRead(), checks = 2;
        if (cur && cur.id !== id && Date.now() < giveUp) { setTimeout(attempt, 40 + Math.random() * 40); return; }
        try { localStorage.setItem(LOCK, JSON.stringify({ id: id, exp: Date.now() + LOCK_MAX_MS + 1000 })); } catch (e) { acquired(); return; }
        (function settle() {
          setTimeout(function () {
            var now = leaseRead();
            if (now && now.id !== id && Date.now() < giveUp) attempt();
            else if (--checks > 0) settle();
            else acquired();
          }, LEASE_SETTLE_MS / 2);
        })();
      })();
    }).then(function () {
      function release() {
        var cur = leaseRead();
        if (!cur || cur.id !== id) return;
        try { localStorage.removeItem(LOCK); } catch (e) { /* it expires */ }
      }
      return run().then(release, release);
    });
  }

  /* fn() (a call that may set the cookie), in turn with every other tab's. */
  function exclusive(fn) {
    var out = null;
    function run() {
      out = fn();
      return Promise.race([out.then(null, function () {}), wait(LOCK_MAX_MS)]);
    }
    var turn = navigator.locks && typeof navigator.locks.request === 'function' ?
      navigator.locks.request(LOCK, run) : leased(run);
    return turn.then(function () { return out; }, function () { return out || fn(); });
  }

  var countdown = null;
  function rateLimited(el, retry, button) {
    var left = parseInt(retry, 10);
    if (!(left > 0)) left = 60;
    clearInterval(countdown);
    if (button) button.disabled = true;
    function tick() {
      if (left <= 0) {
        clearInterval(countdown);
        if (button) button.disabled = false;
        say(el, 'You can try again now.', null);
        return;
      }
      say(el, 'Too many attempts. Try again in ' + left + ' s.', 'err');
      left--;
    }
    tick();
    countdown = setInterval(tick, 1000);
  }

  var reasons = {
    expired: 'This code has expired.',
    revoked: 'This code is no longer valid.',
    not_entitled: 'Your code does not unlock this video.',
    too_many_unlocks: 'This device already holds the most unlocks it can (32). Use this code in another browser or on another device (\u201cForget this device\u201d would remove the 32 it holds).',
    invalid: 'That code is not right. Check it and try again.'
  };

  function normalise(code) { return code.toUpperCase().replace(/[\s\u2010-\u2015]+/g, function (m) { return /\s/.test(m) ? '' : '-'; }); }

  function fmtDate(s) {
    var d = new Date(typeof s === 'number' ? s * 1000 : s);
    return isNaN(d) ? '' : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }

  function levelName(level) {
    return level === 'ppv' ? 'Pay-per-view' : (level === 'vip' ? 'VIP' : String(level || ''));
  }

  /* A link to the watch page of guid, named by title (text only). */
  function videoLink(guid, title) {
    var a = document.createElement('a');
    a.href = '/v/' + encodeURIComponent(guid) + '/';
    a.textContent = title || 'this video';
    return a;
  }

  /* What this device holds, one line per unlock. */
  function unlocksOf(s) {
    if (s && s.unlocks && s.unlocks.length) return s.unlocks;
    return s && s.level ? [{ level: s.level, video: s.video, title: s.title, expires_at: s.expires_at }] : [];
  }

  /* Whether unlock u opens this watch page (vip: every video). */
  function covers(u) {
    return !!watch && (u.level === 'vip' || (u.level === 'ppv' && u.video === guid));
  }

  function showUnlocked(s) {
    var box = $('unlocked'), list = $('unlocks');
    if (!box || !list) return;
    var all = unlocksOf(s);
    list.textContent = '';
    all.forEach(function (u) {
      var li = document.createElement('li');
      li.appendChild(document.createTextNode(levelName(u.level)));
      if (u.level === 'ppv' && u.video) {
        li.appendChild(document.createTextNode(': '));
        if (u.video === guid) li.appendChild(document.createTextNode(u.title || 'this video'));
        else li.appendChild(videoLink(u.video, u.title));
      } else if (u.level === 'vip') {
        li.appendChild(document.createTextNode(': every VIP and pay-per-view video'));
      }
      if (u.expires_at) li.appendChild(document.createTextNode(' \u00b7 until ' + fmtDate(u.expires_at)));
      list.appendChild(li);
    });
    box.hidden = all.length === 0;
  }

  function unlockedUI() {
    var u = $('unlock');
    if (u && watch) u.hidden = true;
    var play = $('play');
    if (play && !started) play.hidden = false;	/* not over a playing video */
  }

  function refreshSession() {
    if (!$('unlocked')) return;
    exclusive(function () { return api('GET', '/api/session'); }).then(function (r) {
      if (r.status !== 200) return;
      showUnlocked(r.json);
      if (unlocksOf(r.json).some(covers)) unlockedUI();
    }, function () { /* offline: keep what is shown */ });
  }

  /* "This code unlocks <title>" with a link, and nothing else. */
  function sayUnlocks(j) {
    codeMsg.textContent = '';
    codeMsg.classList.remove('err', 'ok');
    codeMsg.appendChild(document.createTextNode('This code unlocks '));
    codeMsg.appendChild(videoLink(j.video, j.title));
    codeMsg.appendChild(document.createTextNode('.'));
  }

  /* "Unlocked: <what>" under the player, before it starts. */
  function sayUnlocked(j) {
    var note = $('unlock-note');
    if (!note) return;
    note.textContent = 'Unlocked: ' + (j.level === 'ppv' ?
      (j.title || title || 'this video') :
      levelName(j.level) + ' \u2014 every VIP and pay-per-view video on this device') + '.';
    note.hidden = false;
    setTimeout(function () { note.hidden = true; }, 8000);	/* not over the video for good */
  }

  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      form.classList.add('js-answered');	/* the no-JS result the URL names is stale now */
      var input = $('code');
      var button = form.querySelector('button[type=submit]');
      var code = normalise(input.value.trim());
      if (!code) { say(codeMsg, 'Enter the code you received.', 'err'); return; }
      button.disabled = true;
      say(codeMsg, 'Checking\u2026', null);
      var req = { code: code };
      if (watch && guid) req.video = guid;
      exclusive(function () { return api('POST', '/api/redeem', req); }).then(function (r) {
        button.disabled = false;
        if (r.status === 200) {
          var j = r.json;
          var here = watch ? (j.unlocks_this === true || (j.unlocks_this === undefined && covers(j))) : false;
          if (here) {
            say(codeMsg, 'Code accepted.', 'ok');
            sayUnlocked(j);
            unlockedUI();
            startPlayback();
          } else if (j.level === 'ppv' && j.video) {
            sayUnlocks(j);
          } else {
            say(codeMsg, j.level === 'vip' ? 'Code accepted: VIP videos are unlocked on this device.' :
              'Code accepted.', 'ok');
          }
          input.value = '';
          refreshSession();
          return;
        }
        if (r.status === 429) { rateLimited(codeMsg, r.retry, button); return; }
        if (r.status >= 500) { say(codeMsg, 'The server had a problem. Try again in a moment.', 'err'); return; }
        say(codeMsg, reasons[r.json.error] || reasons.invalid, 'err');
      }, function () {
        button.disabled = false;
        say(codeMsg, 'Network error: check your connection and try again.', 'err');
      });
    });
  }

  var forget = $('forget');
  if (forget) {
    forget.addEventListener('click', function () {
      /* Nothing brings the unlocks back but their codes: say so first. */
      var n = document.querySelectorAll('#unlocks li').length;
      if (!window.confirm('Forget this device? ' + (n > 0 ? 'Its ' + n + ' unlock' +
        (n === 1 ? '' : 's') + ' will be removed from this browser; ' : '') +
        'you will need your codes to unlock again.')) return;
      exclusive(function () { return api('POST', '/api/logout'); }).then(function () { location.reload(); }, function () {
        say(codeMsg, 'Network error: check your connection and try again.', 'err');
      });
    });
  }

  /* ---- playback ---- */
  function loadHls() {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (hlsLoading) return hlsLoading;
    hlsLoading = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = watch.getAttribute('data-hls');
      s.onload = function () { window.Hls ? resolve(window.Hls) : reject(new Error('hls.js')); };
      s.onerror = function () { hlsLoading = null; reject(new Error('hls.js')); };
      document.head.appendChild(s);
    });
    return hlsLoading;
  }

  function getUrl() {
    return api('GET', playApi).then(function (r) {
      if (r.status === 200 && typeof r.json.url === 'string' && /^https?:\/\//.test(r.json.url)) return r.json.url;
      var err = new Error('play');
      err.status = r.status; err.reason = r.json.error; err.retry = r.retry;
      throw err;
    });
  }

  function playError(err) {
    started = false;
    if (err.status === 401 || err.status === 403) {
      say(msg, err.reason && reasons[err.reason] ? reasons[err.reason] : 'This video needs an access code.', 'err');
      var u = $('unlock');
      if (u) { u.hidden = false; var c = $('code'); if (c) c.focus(); }
    } else if (err.status === 404) {
      say(msg, 'This video is not available any more.', 'err');
    } else if (err.status === 429) {
      rateLimited(msg, err.retry, $('play'));
    } else if (err.status) {
      say(msg, 'The server had a problem. Try again in a moment.', 'err');
    } else {
      say(msg, 'Network error: check your connection and try again.', 'err');
    }
    var play = $('play');
    if (play && err.status !== 429) play.disabled = false;
  }

  function seekWhenReady(pos) {
    if (!(pos > 0)) return;
    if (video.readyState >= 1) { video.currentTime = pos; return; }
    video.addEventListener('loadedmetadata', function once() {
      video.removeEventListener('loadedmetadata', once);
      video.currentTime = pos;
    });
  }

  /* A 403 from the CDN mid-play: the signed URL expired.  Fetch a fresh
   * one and resume at the same position. */
  function refresh() {
    if (refreshing) return;
    refreshing = true;
    var pos = video.currentTime, wasPlaying = wantPlay;
    say(msg, 'Reconnecting\u2026', null);
    getUrl().then(function (url) {
      refreshing = false;
      say(msg, '', null);
      if (hls) { hls.loadSource(url); hls.startLoad(pos); }
      else { video.src = pos > 0 ? url + '#t=' + pos.toFixed(2) : url; }	/* a media fragment: start there */
      seekWhenReady(pos);
      if (wasPlaying) video.play().catch(function () {});
    }, function (err) { refreshing = false; playError(err); });
  }

  /* Caption files sit beside the playlist, under the token /api/play
   * handed out (it covers the video's directory): the static page lists
   * only languages, never a CDN URL. */
  function addCaptions(url) {
    var list = $('captions');
    if (!list || list.getAttribute('data-added')) return;
    if (!/\/playlist\.m3u8(\?|$)/.test(url)) return;
    list.setAttribute('data-added', '1');
    Array.prototype.forEach.call(list.querySelectorAll('li[data-srclang]'), function (li) {
      var lang = li.getAttribute('data-srclang');
      if (!/^[A-Za-z0-9-]{1,35}$/.test(lang)) return;
      var t = document.createElement('track');
      t.kind = 'subtitles'; t.srclang = lang; t.label = li.getAttribute('data-label') || lang;
      t.src = url.replace(/\/playlist\.m3u8(?=\?|$)/, '/captions/' + lang + '.vtt');
      if (li.hasAttribute('data-default')) t.default = true;
      video.appendChild(t);
    });
  }

  function attach(url, pos) {
    addCaptions(url);
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = url;
      seekWhenReady(pos);
      video.addEventListener('error', function () { if (started) refresh(); });
      return Promise.resolve();
    }
    say(msg, 'Loading player\u2026', null);
    return loadHls().then(function (Hls) {
      if (!Hls.isSupported()) {
        say(msg, 'This browser cannot play this video. Try a current Chrome, Firefox, Edge or Safari.', 'err');
        return;
      }
      say(msg, '', null);
      var mediaRecovered = false, netRetries = 0;
      hls = new Hls({ capLevelToPlayerSize: true, startPosition: pos > 0 ? pos : -1 });
      hls.on(Hls.Events.ERROR, function (ev, data) {
        var code = data.response && data.response.code;
        /* The signed URL expired: hls.js does not retry a 4xx and may not
         * even call it fatal, so refresh on the first one. */
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && (code === 403 || code === 401)) { refresh(); return; }
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          if (netRetries++ < 5) {
            say(msg, 'Connection lost, retrying\u2026', null);
            setTimeout(function () { hls.startLoad(video.currentTime); }, 1000 * netRetries);
            return;
          }
          say(msg, 'Network error: check your connection and reload the page.', 'err');
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !mediaRecovered) {
          mediaRecovered = true;
          say(msg, 'Recovering playback\u2026', null);
          hls.recoverMediaError();
        } else {
          say(msg, 'Playback failed. Reload the page to try again.', 'err');
          hls.destroy();
          hls = null;
        }
      });
      hls.on(Hls.Events.FRAG_LOADED, function () { if (netRetries) { netRetries = 0; say(msg, '', null); } });
      hls.loadSource(url);
      hls.attachMedia(video);
    });
  }

  function startPlayback(from) {
    if (!video || started) return;
    started = true;
    wantPlay = true;
    var play = $('play');
    if (play) play.disabled = true;
    var resume = $('resume');
    if (resume) resume.hidden = true;
    say(msg, 'Starting\u2026', null);
    var pos = typeof from === 'number' ? from : (linkAt > 0 ? linkAt : saved());
    getUrl().then(function (url) {
      say(msg, '', null);
      return attach(url, pos).then(function () {
        if (play) play.hidden = true;
        video.controls = true;	/* native controls only once the video can play */
        video.preload = 'auto';
        video.play().catch(function () {});
      });
    }).catch(playError);
  }

  if (watch && video) {
    var play = $('play');
    var pos = saved();
    if (play && !locked) play.hidden = false;	/* hidden without JavaScript: it could not play */
    var resume = $('resume');
    if (pos > 10 && !(linkAt > 0) && resume && !(locked && play && play.hidden)) {
      var m = Math.floor(pos / 60), s = Math.floor(pos % 60);
      $('resume-at').textContent = 'Resume ' + m + ':' + (s < 10 ? '0' : '') + s;
      resume.hidden = false;
      if (play) play.hidden = true;
      $('resume-at').addEventListener('click', function () { startPlayback(pos); });
      $('restart').addEventListener('click', function () { startPlayback(0); });
    }
    if (play) play.addEventListener('click', function () { startPlayback(); });
    video.addEventListener('play', function () { wantPlay = true; });
    /* a pause caused by a failing stream is not the viewer's */
    video.addEventListener('pause', function () { if (!refreshing && !video.error && !video.ended) wantPlay = false; });
    video.addEventListener('play', function () { if (!started) { video.pause(); startPlayback(); } });
    setInterval(save, 5000);
    window.addEventListener('pagehide', save);
    document.querySelectorAll('.chapter[data-start]').forEach(function (b) {
      b.addEventListener('click', function () {
        var t = Number(b.getAttribute('data-start'));
        if (started) { video.currentTime = t; video.play().catch(function () {}); } else startPlayback(t);
      });
    });
    /* Player shortcuts (not while typing in a field). */
    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(t.tagName)) && t !== video) return;
      if (!started) return;
      switch (e.key) {
      case ' ': case 'k': case 'K': video.paused ? video.play().catch(function () {}) : video.pause(); break;
      case 'ArrowLeft': video.currentTime = Math.max(0, video.currentTime - 10); break;
      case 'ArrowRight': video.currentTime = video.currentTime + 10; break;
      case 'ArrowUp': video.volume = Math.min(1, video.volume + 0.1); break;
      case 'ArrowDown': video.volume = Math.max(0, video.volume - 0.1); break;
      case 'm': case 'M': video.muted = !video.muted; break;
      case 'f': case 'F':
        if (document.fullscreenElement) document.exitFullscreen(); else if ($('player').requestFullscreen) $('player').requestFullscreen();
        break;
      case 'c': case 'C':
        var tr = video.textTracks;
        if (tr && tr.length) tr[0].mode = tr[0].mode === 'showing' ? 'hidden' : 'showing';
        break;
      default: return;
      }
      e.preventDefault();
    });
  }

  /* ---- the Embed disclosure: copy the <iframe> snippet ---- */
  var embedCode = $('embed-code'), embedCopy = $('embed-copy');
  if (embedCode && embedCopy) {
    /* The page carries the shortest working <iframe> (what a viewer without
     * JavaScript copies); the snippet adds the title (the <h1>'s text,
     * escaped for the attribute), the permissions and lazy loading. */
    var esrc = /^<iframe src="([^"<>]+)"/.exec(embedCode.value), eh = document.querySelector('.watch h1');
    if (esrc && eh) {
      embedCode.value = '<iframe src="' + esrc[1] + '" width="640" height="360" title="' +
        eh.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;').replace(/'/g, '&#39;') +
        '" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen loading="lazy"></iframe>';
      embedCode.setSelectionRange(0, 0);	/* the caret where the page's text had it: Copy shows the start */
    }
    embedCopy.hidden = false;	/* without JavaScript the field is there to select */
    embedCopy.addEventListener('click', function () {
      var out = $('embed-msg');
      embedCode.focus();
      embedCode.select();
      function legacy() { try { return document.execCommand('copy'); } catch (e) { return false; } }
      function done(ok) {
        say(out, ok ? 'Copied.' : 'Selected: press Ctrl+C (\u2318C on a Mac) to copy.', ok ? 'ok' : null);
      }
      if (navigator.clipboard && navigator.clipboard.writeText)
        navigator.clipboard.writeText(embedCode.value).then(function () { done(true); }, function () { done(legacy()); });
      else done(legacy());
    });
  }

  /* Already unlocked on this device?  Only changes what is offered; the
   * verifier decides at /api/play. */
  refreshSession();
})();
