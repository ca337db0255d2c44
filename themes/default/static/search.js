/* search.js: search over the sharded index onlygen writes under /search/
 * (format: docs/search.md).  meta.json is fetched when the form gets focus
 * (or at once when the URL holds state); then only the term shards, filter
 * lists and doc fragments a query needs.  Words fold and split by the table
 * meta.json carries (the build's own rule).  State lives in the URL
 * (?q=&cat=&tag=&access=&sort=).  Cards are built with textContent: no
 * catalog string is ever parsed as HTML. */
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  if (!form) return;
  var input = document.getElementById('q');
  var results = document.getElementById('results');
  var status = document.getElementById('search-status');
  var more = document.getElementById('search-more');
  var cat = document.getElementById('cat'), tag = document.getElementById('tag');
  var sort = document.getElementById('sort');
  var prefix = form.getAttribute('data-prefix'), suffix = form.getAttribute('data-suffix');
  var dir = form.getAttribute('data-index').replace(/meta\.json$/, '');
  var PAGE = 24, PREFIX_MIN = 2, PREFIX_SHARDS = 3, SORT_IN_PAGE = 96;
  var labels = ['Free', 'VIP', 'Pay-per-view'];
  var CARD_SIZES = '(max-width:599px) 44vw,(max-width:2121px) 320px';
  /* = themes/default/partials/card.mustache */
  var meta = null, metaP = null, files = {}, foldMap = null, seq = 0, cur = null;

  function get(path) {
    if (!files[path]) {
      files[path] = fetch(dir + path, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  function load() {
    if (metaP) return metaP;
    metaP = get('meta.json').then(function (m) {
      foldMap = new Map();
      m.fold.forEach(function (e) {
        var i, cs;
        if (e.length === 2) { cs = Array.from(e[1]); for (i = 0; i < cs.length; i++) foldMap.set(e[0] + i, cs[i]); }
        else for (i = e[0]; i <= e[1]; i++) foldMap.set(i, e[2]);
      });
      var have = tag.value;
      while (tag.options.length > 1) tag.remove(1);
      m.tags.forEach(function (t) {
        var o = document.createElement('option'); o.value = t[0]; o.textContent = t[1]; tag.appendChild(o);
      });
      tag.value = have;
      meta = m;
      return m;
    }, function (e) { metaP = null; throw e; });
    return metaP;
  }

  /* The build's token rule (site_search_fold.c), from meta.json's table. */
  function isSep(cp) {
    if (cp < 128) return !((cp >= 97 && cp <= 122) || (cp >= 48 && cp <= 57));
    var lo = 0, hi = meta.sep.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1, r = meta.sep[mid];
      if (cp < r[0]) hi = mid; else if (cp > r[1]) lo = mid + 1; else return true;
    }
    return false;
  }
  function tokens(s) {
    var out = [], t = [], chars = Array.from(s), i, f;
    function add(c) { if (t.length < meta.tokmax) t.push(c); }
    for (i = 0; i < chars.length; i++) {
      var cp = chars[i].codePointAt(0);
      if ((f = foldMap.get(cp)) !== undefined) { Array.from(f).forEach(add); continue; }
      if (isSep(cp)) { if (t.length) out.push(t.join('')); t = []; continue; }
      add(chars[i]);
    }
    if (t.length) out.push(t.join(''));
    return out;
  }

  function shardOf(term) {
    var lo = 0, hi = meta.shards.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (meta.shards[mid] <= term) lo = mid + 1; else hi = mid; }
    return lo > 0 ? lo - 1 : 0;
  }
  /* A word's docs: rank[d] (2 * field, + 1 when only a longer word
   * matched; 255: none) and the list of docs it holds.  Typed arrays: a
   * common word holds tens of thousands of docs at 100 000. */
  function postings(entry, exact, w) {
    var d = 0, i, v, r;
    for (i = 1; i < entry.length; i++) {
      v = entry[i]; d += v >>> 2; r = (v & 3) * 2 + (exact ? 0 : 1);
      if (w.rank[d] === 255) w.ids.push(d);
      if (r < w.rank[d]) w.rank[d] = r;
    }
  }
  /* Every doc holding word w (as a prefix too when pre), and whether the
   * prefix reached more shards than it may pull. */
  function lookup(w, pre) {
    var k0 = shardOf(w), k1 = k0, ks = [], i;
    if (pre) while (k1 + 1 < meta.shards.length && meta.shards[k1 + 1] < w + '\uffff') k1++;
    /* an empty catalog has no shard */
    for (i = k0; i <= k1 && i < meta.shards.length && ks.length < PREFIX_SHARDS; i++) ks.push(get('t/' + i + '.json'));
    return Promise.all(ks).then(function (sh) {
      var m = { rank: new Uint8Array(meta.n).fill(255), ids: [], cut: k1 - k0 + 1 > PREFIX_SHARDS };
      sh.forEach(function (s) {
        s.t.forEach(function (e) {
          if (e[0] === w) postings(e, true, m);
          else if (pre && e[0].lastIndexOf(w, 0) === 0) postings(e, false, m);
        });
      });
      return m;
    });
  }
  /* A filter list: its ids (ascending) and a mark per doc. */
  function filterList(path) {
    return get('f/' + path + '.json').then(function (f) {
      if (!f.mark) {
        var d = 0, i;
        f.mark = new Uint8Array(meta.n);
        f.all = new Int32Array(f.ids.length);
        for (i = 0; i < f.ids.length; i++) { d += f.ids[i]; f.all[i] = d; f.mark[d] = 1; }
      }
      return { ids: f.all, mark: f.mark };
    });
  }
  var NONE = { ids: [], mark: { length: 0 } };

  /* The ids to show in order: take(k) resolves to the first k (or all). */
  function arraySource(ids) {
    return { total: ids.length, take: function (k) { return Promise.resolve(ids.slice(0, k)); } };
  }
  function longWalk(keep, total) {
    var got = [], next = 0;
    return {
      total: total,
      take: function step(k) {
        if (got.length >= k || next >= meta.nlong) return Promise.resolve(got.slice(0, k));
        return get('l/' + next++ + '.json').then(function (c) {
          c.ids.forEach(function (id) { if (!keep || keep[id] === 1) got.push(id); });
          return step(k);
        });
      }
    };
  }
  function frag(id) { return get('d/' + Math.floor(id / meta.docs) + '.json'); }
  function docs(ids) {
    return Promise.all(ids.map(frag)).then(function (fs) {
      return ids.map(function (id, i) { return fs[i].d[id % meta.docs]; });
    });
  }

  function query(s) {
    var words = tokens(s.q), pre = s.q !== '' && !/\s$/.test(s.q), cut = false;
    var parts = [];
    /* a slug the index does not know (an old link) matches nothing */
    function known(list, slug) { return list.some(function (x) { return x[0] === slug; }); }
    if (s.cat) parts.push(known(meta.categories, s.cat) ? filterList('c-' + s.cat) : NONE);
    if (s.tag) parts.push(known(meta.tags, s.tag) ? filterList('t-' + s.tag) : NONE);
    if (s.access) parts.push(filterList('a-' + s.access));
    return Promise.all(parts.concat(words.map(function (w, j) {
      var last = j === words.length - 1 && pre && Array.from(w).length >= PREFIX_MIN;
      return lookup(w, last).then(function (r) { cut = cut || r.cut; return r; });
    }))).then(function (all) {
      var sets = all.slice(0, parts.length), hits = all.slice(parts.length);
      var list = null, keep = null, i, j, k, d, sum, src;
      function inSets(x) { for (k = 0; k < sets.length; k++) if (sets[k].mark[x] !== 1) return false; return true; }
      if (hits.length || sets.length) {
        /* walk the smallest list, keep the docs every word and filter holds */
        var base = hits.length ? hits.reduce(function (a, b) { return a.ids.length <= b.ids.length ? a : b; }) :
          sets.reduce(function (a, b) { return a.ids.length <= b.ids.length ? a : b; });
        var out = [];
        for (i = 0; i < base.ids.length; i++) {
          d = base.ids[i];
          for (j = 0; j < hits.length && hits[j].rank[d] !== 255; j++);
          if (j === hits.length && inSets(d)) out.push(d);
        }
        list = Int32Array.from(out).sort().reverse();	/* ids run oldest first: newest first */
        if (hits.length && s.sort === 'rel') {
          /* best match: buckets by the summed rank, each newest first */
          var buckets = [];
          for (i = 0; i < list.length; i++) {
            for (sum = 0, j = 0; j < hits.length; j++) sum += hits[j].rank[list[i]];
            (buckets[sum] || (buckets[sum] = [])).push(list[i]);
          }
          list = [].concat.apply([], buckets.filter(Boolean));
        }
        keep = new Uint8Array(meta.n);
        for (i = 0; i < list.length; i++) keep[list[i]] = 1;
      }
      var total = list ? list.length : meta.n;
      if (s.sort === 'long') {
        if (list && list.length <= SORT_IN_PAGE) {
          var ids = Array.from(list);
          src = docs(ids).then(function (ds) {
            var order = ids.map(function (id, x) { return [id, ds[x][2]]; });
            order.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
            return arraySource(order.map(function (x) { return x[0]; }));
          });
        } else src = Promise.resolve(longWalk(keep, total));
      } else if (list) {
        src = Promise.resolve(arraySource(Array.from(list)));
      } else {
        src = Promise.resolve({ total: meta.n, take: function (n) {
          var a = []; for (i = 0; i < n && i < meta.n; i++) a.push(meta.n - 1 - i); return Promise.resolve(a);
        } });
      }
      return src.then(function (x) { x.cut = cut; return x; });
    });
  }

  function dur(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
    return (h ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' + (x < 10 ? '0' : '') + x;
  }
  function card(it) {
    var li = document.createElement('li'); li.className = 'card';
    var a = document.createElement('a'); a.href = prefix + it[0] + suffix;
    var th = document.createElement('span'); th.className = 'thumb';
    var img = document.createElement('img'); img.alt = ''; img.width = 320; img.height = 180; img.loading = 'lazy';
    var src = /^\/img\/[A-Za-z0-9\/._-]+$/.test(it[5]) ? it[5] : '', m = /^(.*)-320\.webp$/.exec(src);
    if (src) img.src = src;
    if (m) {
      img.srcset = m[1] + '-320.webp 320w,' + m[1] + '-640.webp 640w';
      img.sizes = CARD_SIZES;
    }
    var d = document.createElement('span'); d.className = 'badge badge-dur'; d.textContent = dur(it[2]);
    var b = document.createElement('span'); b.className = 'badge badge-' + ['public', 'vip', 'ppv'][it[3]]; b.textContent = labels[it[3]] || '';
    var t = document.createElement('span'); t.className = 'card-title'; t.textContent = it[1];
    /* the accessible name is the visible text: title, duration, access
     * (site.css puts the commas between them) */
    th.appendChild(img); th.appendChild(d); th.appendChild(b);
    a.appendChild(t); a.appendChild(th); li.appendChild(a);
    return li;
  }

  function state() {
    var acc = form.querySelector('input[name=access]:checked');
    return { q: input.value.replace(/^\s+/, ''), cat: cat.value, tag: tag.value, access: acc ? acc.value : '', sort: sort.value };
  }
  function writeUrl(s) {
    var p = new URLSearchParams();
    if (s.q.trim()) p.set('q', s.q.trim());
    if (s.cat) p.set('cat', s.cat);
    if (s.tag) p.set('tag', s.tag);
    if (s.access) p.set('access', s.access);
    if (s.sort !== 'rel') p.set('sort', s.sort);
    var qs = p.toString();
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
  }
  function say(n, shown, c) {
    status.textContent = n === 0 ? 'No videos match.' : n + (n === 1 ? ' video' : ' videos') +
      (shown < n ? ' (showing ' + shown + ')' : '') + (c ? '. Type more letters to match every word.' : '');
  }
  /* Appends the next page of cur's ids. */
  function show(my, append) {
    var want = (append ? results.children.length : 0) + PAGE;
    return cur.take(want).then(function (ids) {
      var have = append ? results.children.length : 0;
      return docs(ids.slice(have)).then(function (ds) {
        if (my !== seq) return;
        var f = document.createDocumentFragment();
        ds.forEach(function (it) { if (it) f.appendChild(card(it)); });
        if (append) results.appendChild(f); else results.replaceChildren(f);
        more.hidden = ids.length < want || results.children.length >= cur.total;
        say(cur.total, results.children.length, cur.cut);
      });
    });
  }
  function fail(my) { if (my === seq) status.textContent = 'Search is unavailable (network error).'; }
  function run() {
    var s = state(), my = ++seq;
    writeUrl(s);
    if (!meta) status.textContent = 'Loading the index\u2026';
    load().then(function () { return query(s); }).then(function (src) {
      if (my !== seq) return;
      cur = src;
      return show(my, false);
    }).catch(function () { fail(my); });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  cat.value = params.get('cat') || '';
  if (params.get('tag')) {
    var o = document.createElement('option'); o.value = params.get('tag'); o.textContent = params.get('tag');
    tag.appendChild(o); tag.value = o.value;
  }
  sort.value = /^(new|long)$/.test(params.get('sort')) ? params.get('sort') : 'rel';
  var acc = form.querySelector('input[name=access][value="' + (params.get('access') || '').replace(/[^0-9]/g, '') + '"]');
  if (acc) acc.checked = true;

  var timer = null;
  form.addEventListener('focusin', function () { load().catch(function () {}); });
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  form.addEventListener('change', function (e) { if (e.target !== input) run(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  more.addEventListener('click', function () { var my = seq; show(my, true).catch(function () { fail(my); }); });
  if (input.value || cat.value || tag.value || params.get('access') || params.get('sort')) run();
})();
