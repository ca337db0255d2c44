/* search.js: client-side search over /search.json (built by onlygen).
 * The index is fetched when the search box gets focus (or at once when
 * the URL already holds a query).  State lives in the URL (?q=&cat=&tag=
 * &access=&sort=).  Results are built with textContent: no catalog string
 * is ever parsed as HTML. */
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  if (!form) return;
  var input = document.getElementById('q');
  var results = document.getElementById('results');
  var status = document.getElementById('search-status');
  var cat = document.getElementById('cat');
  var sort = document.getElementById('sort');
  var prefix = form.getAttribute('data-prefix'), suffix = form.getAttribute('data-suffix');
  /* A mirrored image's path (/img/...), from the absolute URL the build
   * wrote (base_url may name another host than this one) or a path. */
  function imgPath(u) {
    var p;
    try { p = new URL(u, location.href).pathname; } catch (e) { return ''; }
    return /^\/img\/[A-Za-z0-9\/._-]+$/.test(p) ? p : '';
  }
  /* The mirrored sizes of a 320 px thumbnail path, with the sizes
   * attribute of themes/default/partials/card.mustache (keep them equal). */
  var CARD_SIZES = '(min-width: 1600px) 16vw, (min-width: 1200px) 19vw, (min-width: 900px) 22vw, ' +
    '(min-width: 600px) 29vw, 44vw';
  function srcsetOf(img, src) {
    var m = /^(.*)-320\.webp$/.exec(src);
    if (!m) return;
    img.srcset = m[1] + '-320.webp 320w, ' + m[1] + '-640.webp 640w, ' + m[1] + '-1280.webp 1280w';
    img.sizes = CARD_SIZES;
  }
  var index = null, loading = null, tagFilter = '';
  var labels = ['Free', 'VIP', 'Pay-per-view'];

  function fold(s) { return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }

  function load() {
    if (index) return Promise.resolve(index);
    if (loading) return loading;
    status.textContent = 'Loading the index\u2026';
    loading = fetch(form.getAttribute('data-index'), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (j) {
        j.items.forEach(function (it) {
          var words = [it[1], it[4]];
          it[2].forEach(function (c) { if (j.categories[c]) words.push(j.categories[c][1]); });
          it[3].forEach(function (t) { if (j.tags[t]) words.push(j.tags[t][0], j.tags[t][1]); });
          it.hay = fold(words.join(' '));
        });
        index = j;
        return j;
      }, function (e) { loading = null; status.textContent = 'Search is unavailable (network error).'; throw e; });
    return loading;
  }

  function dur(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
    return (h ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' + (x < 10 ? '0' : '') + x;
  }

  function card(it) {
    var li = document.createElement('li'); li.className = 'card'; li.setAttribute('data-guid', it[0]);
    var a = document.createElement('a'); a.className = 'card-link'; a.href = prefix + it[0] + suffix;
    var th = document.createElement('span'); th.className = 'thumb';
    var img = document.createElement('img'); img.alt = ''; img.width = 320; img.height = 180; img.loading = 'lazy';
    var src = imgPath(it[8]); if (src) img.src = src;
    if (src) srcsetOf(img, src);
    var d = document.createElement('span'); d.className = 'badge badge-dur'; d.textContent = dur(it[5]);
    var b = document.createElement('span'); b.className = 'badge badge-' + ['public', 'vip', 'ppv'][it[6]]; b.textContent = labels[it[6]] || '';
    var t = document.createElement('span'); t.className = 'card-title'; t.textContent = it[1];
    /* the accessible name is the visible text: title, duration, access */
    function sr() { var s = document.createElement('span'); s.className = 'sr'; s.textContent = ', '; return s; }
    th.appendChild(img); th.appendChild(sr()); th.appendChild(d); th.appendChild(sr()); th.appendChild(b);
    a.appendChild(t); a.appendChild(th); li.appendChild(a);
    return li;
  }

  function state() {
    var acc = form.querySelector('input[name=access]:checked');
    return { q: input.value.trim(), cat: cat.value, access: acc ? acc.value : '', sort: sort.value, tag: tagFilter };
  }

  function writeUrl(s) {
    var p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    if (s.cat) p.set('cat', s.cat);
    if (s.tag) p.set('tag', s.tag);
    if (s.access) p.set('access', s.access);
    if (s.sort !== 'new') p.set('sort', s.sort);
    var qs = p.toString();
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
  }

  function run() {
    var s = state();
    writeUrl(s);
    load().then(function (j) {
      var words = fold(s.q).split(/\s+/).filter(Boolean);
      var ci = -1, ti = -1, i;
      for (i = 0; i < j.categories.length; i++) if (j.categories[i][0] === s.cat) ci = i;
      for (i = 0; i < j.tags.length; i++) if (j.tags[i][0] === s.tag) ti = i;
      var out = j.items.filter(function (it) {
        if (s.access !== '' && String(it[6]) !== s.access) return false;
        if (ci >= 0 && it[2].indexOf(ci) < 0) return false;
        if (s.tag && it[3].indexOf(ti) < 0) return false;
        for (var k = 0; k < words.length; k++) if (it.hay.indexOf(words[k]) < 0) return false;
        return true;
      });
      if (s.sort === 'long') out = out.slice().sort(function (a, b) { return b[5] - a[5] || b[7] - a[7]; });
      var frag = document.createDocumentFragment();
      out.slice(0, 200).forEach(function (it) { frag.appendChild(card(it)); });
      results.replaceChildren(frag);
      status.textContent = out.length === 0 ? 'No videos match.' :
        out.length + (out.length === 1 ? ' video' : ' videos') + (out.length > 200 ? ' (showing the first 200)' : '');
    }, function () {});
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  cat.value = params.get('cat') || '';
  sort.value = params.get('sort') === 'long' ? 'long' : 'new';
  tagFilter = params.get('tag') || '';
  var acc = form.querySelector('input[name=access][value="' + (params.get('access') || '').replace(/[^0-9]/g, '') + '"]');
  if (acc) acc.checked = true;

  var timer = null;
  input.addEventListener('focus', function () { load().catch(function () {}); });
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  form.addEventListener('change', run);
  form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
  if (input.value || cat.value || tagFilter || params.get('access') || params.get('sort')) run();
})();
