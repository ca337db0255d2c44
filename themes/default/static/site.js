/* site.js: progressive enhancement for browse pages.  Everything works
 * without it: rows scroll natively, cards are plain links. */
(function () {
  'use strict';
  var reduce = window.matchMedia('(prefers-reduced-motion: reduce)');
  var finePointer = window.matchMedia('(hover: hover) and (pointer: fine)');
  /* A mirrored image's path (/img/...), from the absolute URL the build
   * wrote (base_url may name another host than this one) or a path. */
  function imgPath(u) {
    var p;
    try { p = new URL(u, location.href).pathname; } catch (e) { return ''; }
    return /^\/img\/[A-Za-z0-9\/._-]+$/.test(p) ? p : '';
  }

  /* Layout reads batched into one animation frame, all of them before any
   * write, so rows never force a layout each (Lighthouse's blocking time). */
  var pending = [], queued = false;
  function flush() {
    if (!queued) return;
    var batch = pending;
    pending = []; queued = false;
    batch.map(function (m) { return m(); }).forEach(function (w) { w(); });
  }
  function schedule(measure) {
    if (pending.indexOf(measure) < 0) pending.push(measure);
    if (queued) return;
    queued = true;
    requestAnimationFrame(flush);
    setTimeout(flush, 100);	/* a hidden or busy tab may get no frame soon */
  }

  /* Row arrows: page by most of the visible width; disabled at the ends;
   * shown only while the track overflows (checked again on resize and when
   * cards are added). */
  /* The arrows are made here, not sent in every page (issue 15: watch-page
   * bytes): buttons only this script can use, "Scroll <row title> back". */
  function arrowsOf(row, track) {
    var a = row.querySelector('.row-arrows'), head = row.querySelector('.row-head');
    var h = row.querySelector('h2'), name = h ? h.textContent.trim() : '';
    if (a || !head || !track.id) return a;
    a = document.createElement('span'); a.className = 'row-arrows'; a.hidden = true;
    [[-1, '\u2039', 'back'], [1, '\u203a', 'forward']].forEach(function (d) {
      var b = document.createElement('button');
      b.type = 'button'; b.className = 'arrow'; b.textContent = d[1];
      b.setAttribute('data-dir', String(d[0]));
      b.setAttribute('aria-controls', track.id);
      b.setAttribute('aria-label', 'Scroll ' + name + ' ' + d[2]);
      a.appendChild(b);
    });
    head.appendChild(a);
    return a;
  }

  function setupRow(row) {
    var track = row.querySelector('.row-track');
    var arrows = track && arrowsOf(row, track);
    if (!track || !arrows) return;
    var prev = arrows.querySelector('[data-dir="-1"]');
    var next = arrows.querySelector('[data-dir="1"]');
    /* measure now, write later: every row's reads come before any write */
    function measure() {
      var max = track.scrollWidth - track.clientWidth - 2, left = track.scrollLeft;
      return function () {
        arrows.hidden = !(max > 0);
        prev.setAttribute('aria-disabled', left <= 2 ? 'true' : 'false');
        next.setAttribute('aria-disabled', left >= max ? 'true' : 'false');
      };
    }
    function update() { schedule(measure); }
    arrows.addEventListener('click', function (e) {
      var b = e.target.closest('button[data-dir]');
      if (!b || b.getAttribute('aria-disabled') === 'true') return;
      var dir = Number(b.getAttribute('data-dir'));
      track.scrollBy({ left: dir * track.clientWidth * 0.85, behavior: reduce.matches ? 'auto' : 'smooth' });
    });
    track.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update);
    if (window.ResizeObserver) new ResizeObserver(update).observe(track);
    if (window.MutationObserver) new MutationObserver(update).observe(track, { childList: true });
    if (!window.ResizeObserver) update();
    /* Left/Right move between cards of a row. */
    track.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      var li = e.target.closest('li');
      if (!li) return;
      var to = e.key === 'ArrowLeft' ? li.previousElementSibling : li.nextElementSibling;
      var link = to && to.querySelector('a');
      if (link) { e.preventDefault(); link.focus(); }
    });
  }

  /* Delayed hover/focus preview (Bunny preview.webp): fine pointers only,
   * never under reduced motion, never preloaded. */
  function setupPreview(root) {
    var timer = null;
    function start(link) {
      if (reduce.matches || !finePointer.matches) return;
      var img = link.querySelector('.thumb img');
      /* the mirrored animated preview, when the build has one */
      var src = img && img.dataset.preview;
      if (!img || !src || !/^\/img\/[A-Za-z0-9\/._-]+$/.test(src)) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        /* srcset would win over src: set it aside while the preview shows */
        if (!img.dataset.still) {
          img.dataset.still = img.src; img.dataset.stillSet = img.getAttribute('srcset') || '';
          img.removeAttribute('srcset');
        }
        img.onerror = function () { stop(link); };
        img.src = src;
      }, 400);
    }
    function stop(link) {
      clearTimeout(timer);
      var img = link.querySelector('.thumb img');
      if (img && img.dataset.still) {
        img.onerror = null; img.src = img.dataset.still;
        if (img.dataset.stillSet) img.setAttribute('srcset', img.dataset.stillSet);
        delete img.dataset.still; delete img.dataset.stillSet;
      }
    }
    root.addEventListener('pointerover', function (e) { var a = e.target.closest('.card > a'); if (a && !a.contains(e.relatedTarget)) start(a); });
    root.addEventListener('pointerout', function (e) { var a = e.target.closest('.card > a'); if (a && !a.contains(e.relatedTarget)) stop(a); });
    root.addEventListener('focusin', function (e) { var a = e.target.closest('.card > a'); if (a) start(a); });
    root.addEventListener('focusout', function (e) { var a = e.target.closest('.card > a'); if (a) stop(a); });
  }

  /* Resume positions saved by watch.js: progress bars and "Continue watching". */
  function progress() {
    try { return JSON.parse(localStorage.getItem('om:progress') || '{}') || {}; } catch (e) { return {}; }
  }
  /* a card's video: the guid in its link (/v/<guid>/ or /v/<guid>.html) */
  function cardGuid(card) {
    var a = card.querySelector('a[href]'), m = a && /\/v\/([0-9a-f-]{36})[\/.]/.exec(a.getAttribute('href'));
    return m ? m[1] : '';
  }
  function showProgress() {
    var p = progress();
    document.querySelectorAll('.card').forEach(function (card) {
      var e = p[cardGuid(card)];
      var thumb = card.querySelector('.thumb');
      if (!e || !thumb || !(e.d > 0) || thumb.querySelector('.progress')) return;
      var bar = document.createElement('span'); bar.className = 'progress';
      var fill = document.createElement('span');
      fill.style.width = Math.min(100, Math.round(100 * e.t / e.d)) + '%';
      bar.appendChild(fill); thumb.appendChild(bar);
    });
    var row = document.getElementById('continue');
    if (!row) return;
    var list = Object.keys(p).map(function (g) { p[g].g = g; return p[g]; })
      .filter(function (e) { return e.url && e.d > 0 && e.t > 10 && e.t < 0.95 * e.d; })
      .sort(function (a, b) { return (b.at || 0) - (a.at || 0); }).slice(0, 24);
    if (!list.length) return;
    var track = row.querySelector('.row-track');
    var sized = document.querySelector('.card img[sizes]'), sizes = sized && sized.getAttribute('sizes');
    list.forEach(function (e) {
      var li = document.createElement('li'); li.className = 'card';
      var a = document.createElement('a');
      if (/^\/[a-z0-9\/.-]*$/.test(e.url)) a.href = e.url;
      var t = document.createElement('span'); t.className = 'card-title'; t.textContent = e.title || '';
      var th = document.createElement('span'); th.className = 'thumb';
      var img = document.createElement('img'); img.alt = ''; img.width = 320; img.height = 180; img.loading = 'lazy';
      var th2 = imgPath(e.thumb); if (th2) img.src = th2;
      /* the mirrored sizes, with the sizes of the page's own cards */
      var m = /^(.*)-320\.webp$/.exec(th2);
      if (m && sizes) {
        img.srcset = m[1] + '-320.webp 320w,' + m[1] + '-640.webp 640w';
        img.sizes = sizes;
      }
      var bar = document.createElement('span'); bar.className = 'progress';
      var fill = document.createElement('span'); fill.style.width = Math.round(100 * e.t / e.d) + '%';
      var left = document.createElement('span'); left.className = 'sr';
      left.textContent = ', ' + Math.max(1, Math.round((e.d - e.t) / 60)) + ' min left';
      bar.appendChild(fill); th.appendChild(img); th.appendChild(bar);
      a.appendChild(t); a.appendChild(left); a.appendChild(th); li.appendChild(a); track.appendChild(li);
    });
    row.hidden = false;
  }

  /* Series page: "Play S1E1" becomes "Resume SxEy" (the episode last
   * watched on this device, unfinished) or "Play" the one after it. */
  function seriesResume() {
    var btn = document.getElementById('series-play');
    var label = document.getElementById('series-play-label');
    if (!btn || !label) return;
    var p = progress(), eps = document.querySelectorAll('.episode[data-guid]'), last = -1, at = 0, i;
    for (i = 0; i < eps.length; i++) {
      var e = p[eps[i].getAttribute('data-guid')];
      if (e && e.d > 0 && (e.at || 0) >= at) { at = e.at || 0; last = i; }
    }
    if (last < 0) return;
    var e2 = p[eps[last].getAttribute('data-guid')], to = eps[last], verb = 'Resume';
    if (e2.t >= 0.95 * e2.d) {
      if (last + 1 >= eps.length) return;
      to = eps[last + 1]; verb = 'Play';
    }
    var url = to.getAttribute('data-url') || '';
    if (!/^\/[a-z0-9\/.-]*$/.test(url)) return;
    btn.href = url;
    label.textContent = verb + ' ' + (to.getAttribute('data-code') || '');
  }

  function init() {
    showProgress();
    seriesResume();
    /* a narrow header scrolls its nav: bring the current section into view */
    var nav = document.querySelector('.top-nav'), cur = nav && nav.querySelector('[aria-current]');
    if (cur && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = cur.offsetLeft - nav.offsetLeft - 8;
    document.querySelectorAll('[data-row]').forEach(setupRow);
    setupPreview(document);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
