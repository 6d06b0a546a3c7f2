/* cairn search: client-side, no server, works from file://.
 *
 * The index (written by src/search/) is plain script files that call
 * window.cairnSearch.meta/shard/doc; they are added as <script> tags on demand
 * (file:// pages may not fetch). It lives at ../search/ from this file.
 *
 * Matching and ranking mirror src/search/text.rs and src/search/index.rs:
 * change both together (tests/fixtures/search-vectors.json checks them).
 * No inline styles, no innerHTML of indexed text, no eval: the site's CSP
 * allows scripts from 'self' only.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src) return;
  var indexBase = new URL('../search/', script.src).href;
  var PAGE = 20;     // results shown at a time on the search page
  var SUGGEST = 8;   // results in the header dropdown

  // ---------------------------------------------------------------- loading

  var loaded = {};   // url -> Promise
  var meta = null, shards = {}, docs = {};
  var metaWaiters = [], shardWaiters = {}, docWaiters = {};

  function load(url) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = url;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete loaded[url]; reject(new Error('cannot load ' + url)); };
        document.head.appendChild(s);
      });
    }
    return loaded[url];
  }

  var api = window.cairnSearch = {
    meta: function (m) { meta = m; },
    shard: function (n, terms) { shards[n] = terms; },
    doc: function (n, d) { docs[n] = d; }
  };

  function getMeta() {
    if (meta) return Promise.resolve(meta);
    return load(indexBase + 'meta.js').then(function () {
      if (!meta) throw new Error('search index is empty');
      return meta;
    });
  }
  function getShard(n) {
    if (shards[n]) return Promise.resolve(shards[n]);
    return load(indexBase + 't/' + n + '.js').then(function () { return shards[n] || {}; });
  }
  function getDoc(n) {
    if (docs[n]) return Promise.resolve(docs[n]);
    return load(indexBase + 'd/' + n + '.js').then(function () { return docs[n]; });
  }

  // ------------------------------------------------------------ text rules

  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var CHAIN = /[\p{Alphabetic}\p{N}]+(?:[-_.][\p{Alphabetic}\p{N}]+)*/gu;

  function normalize(s) {
    return s.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '');
  }
  function chars(s) { return Array.from(s).length; }
  function indexable(w, m) { return w.length > 0 && chars(w) <= m.maxTerm; }
  function isStop(w, m) { return m.stop.indexOf(w) >= 0; }

  // Query -> clauses {term, parts}; see text.rs query_clauses.
  function clauses(q, m) {
    var out = [];
    var found = normalize(q).match(CHAIN) || [];
    found.forEach(function (chain) {
      var words = chain.split(/[-_.]/);
      if (words.length === 1) {
        if (indexable(chain, m) && !isStop(chain, m)) out.push({ term: chain, parts: [] });
      } else {
        out.push({
          term: chain,
          parts: words.filter(function (w) { return indexable(w, m) && !isStop(w, m); })
        });
      }
    });
    return out;
  }

  // Which shards a word needs and whether it may expand as a prefix (index.rs lookup).
  function lookup(word, m) {
    var cand = [], bytes = 0;
    m.shards.forEach(function (s, i) {
      var key = s[0], exact = s[2] === 1;
      if (key.startsWith(word) || (!exact && word.startsWith(key))) {
        cand.push(i);
        bytes += s[1];
      }
    });
    if (bytes <= m.budget) return { shards: cand, prefix: true };
    for (var i = 0; i < m.shards.length; i++) {
      var s = m.shards[i];
      if (s[2] === 1 ? s[0] === word : word.startsWith(s[0])) return { shards: [i], prefix: false };
    }
    return { shards: [], prefix: false };
  }

  function matchWord(word, lk) {
    var scores = new Map();
    lk.shards.forEach(function (i) {
      var terms = shards[i] || {};
      Object.keys(terms).forEach(function (term) {
        var exact = term === word;
        if (!(exact || (lk.prefix && term.startsWith(word)))) return;
        var list = terms[term], d = 0;
        for (var j = 0; j < list.length; j += 2) {
          d += list[j];
          var s = exact ? 2 * list[j + 1] : list[j + 1];
          var prev = scores.get(d);
          if (prev === undefined || s > prev) scores.set(d, s);
        }
      });
    });
    return scores;
  }

  function andSum(maps) {
    if (!maps.length) return null;
    var acc = maps[0];
    for (var i = 1; i < maps.length; i++) {
      var m = maps[i], next = new Map();
      acc.forEach(function (s, d) { if (m.has(d)) next.set(d, s + m.get(d)); });
      acc = next;
    }
    return acc;
  }

  // q -> Promise of {hits: [[doc, score]...], words: [...]} best first.
  function search(q) {
    return getMeta().then(function (m) {
      var cls = clauses(q, m);
      var words = [];
      cls.forEach(function (c) {
        words.push(c.term);
        c.parts.forEach(function (p) { words.push(p); });
      });
      var lks = {}, need = {};
      words.forEach(function (w) {
        if (!lks[w]) lks[w] = lookup(w, m);
        lks[w].shards.forEach(function (i) { need[i] = true; });
      });
      return Promise.all(Object.keys(need).map(function (n) { return getShard(+n); })).then(function () {
        var maps = cls.map(function (c) {
          var scores = matchWord(c.term, lks[c.term]);
          var parts = andSum(c.parts.map(function (p) { return matchWord(p, lks[p]); }));
          if (parts) parts.forEach(function (s, d) {
            var prev = scores.get(d);
            if (prev === undefined || s > prev) scores.set(d, s);
          });
          return scores;
        });
        var total = andSum(maps);
        var hits = total ? Array.from(total.entries()) : [];
        hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return { hits: hits, words: words };
      });
    });
  }

  // ------------------------------------------------------------- rendering

  // The relative prefix from this page to the site root, from the search form
  // ("../search/index.html" -> "../"); links then stay relative, as the site's.
  function siteRoot() {
    var form = document.querySelector('form[role="search"]');
    var action = form && form.getAttribute('action');
    if (action && /search\/index\.html$/.test(action)) return action.replace(/search\/index\.html$/, '');
    return new URL('../', script.src).href;
  }
  var root = siteRoot();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function matches(word, words) {
    var n = normalize(word);
    for (var i = 0; i < words.length; i++) if (n.startsWith(words[i])) return true;
    return false;
  }

  // Append `text` to `parent`, each word that starts with a query word in <mark>.
  function marked(parent, text, words) {
    var last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (!matches(m[0], words)) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el('mark', null, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // About 180 characters of `text` around its first matching word.
  function snippet(text, words) {
    var at = -1, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (matches(m[0], words)) { at = m.index; break; }
    }
    var start = at < 0 ? 0 : Math.max(0, at - 60);
    if (start > 0) {
      var sp = text.indexOf(' ', start);
      start = sp >= 0 && sp < at ? sp + 1 : start;
    }
    var end = Math.min(text.length, start + 180);
    if (end < text.length) {
      var back = text.lastIndexOf(' ', end);
      if (back > start + 100) end = back;
    }
    return (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
  }

  function resultItem(n, d, words, id) {
    // A plain list of links (no listbox): a link inside an option is a nested
    // interactive control that screen readers cannot reach.
    var li = el('li', 'search-result');
    li.id = id;
    var a = el('a');
    a.href = root + d.u;
    a.setAttribute('data-doc', String(n));
    var title = el('span', 'search-title');
    marked(title, d.t, words);
    a.appendChild(title);
    a.appendChild(el('span', 'search-kind', d.k));
    if (d.x) {
      var sn = el('span', 'search-snippet');
      marked(sn, snippet(d.x, words), words);
      a.appendChild(sn);
    }
    var meta = [];
    if (d.s && d.s.length && d.k !== 'system') meta.push((d.s.length > 1 ? 'Systems: ' : 'System: ') + d.s.join(', '));
    if (d.o) meta.push('Owner: ' + d.o);
    if (meta.length) a.appendChild(el('span', 'search-meta', meta.join(' · ')));
    li.appendChild(a);
    // A contact's number, tappable beside (never inside) the result's link.
    if (d.tel && /^\+?[0-9]+$/.test(d.tel)) {
      var call = el('a', 'call', d.p || d.tel);
      call.href = 'tel:' + d.tel;
      call.setAttribute('aria-label', 'Call ' + d.t + ' ' + (d.p || d.tel));
      li.appendChild(call);
    }
    return li;
  }

  function renderList(list, hits, words, from, count, idPrefix) {
    var slice = hits.slice(from, from + count);
    return Promise.all(slice.map(function (h) { return getDoc(h[0]); })).then(function (ds) {
      ds.forEach(function (d, i) {
        if (d) list.appendChild(resultItem(slice[i][0], d, words, idPrefix + (from + i)));
      });
      return from + slice.length;
    });
  }

  // Keys over the result links of `list` for `input`: Enter in the box opens the
  // top hit of the results shown for what it holds; arrows move focus between
  // the box and the links (real focus, so screen readers follow); Escape returns.
  function Selector(input, list) {
    this.input = input;
    this.list = list;
  }
  Selector.prototype.items = function () { return this.list.querySelectorAll('.search-result a'); };
  Selector.prototype.reset = function () {};
  Selector.prototype.move = function (delta) {
    var items = Array.prototype.slice.call(this.items());
    if (!items.length) return;
    var at = items.indexOf(document.activeElement) + delta;
    if (at < 0) { this.input.focus(); return; }
    items[Math.min(items.length - 1, at)].focus();
  };
  Selector.prototype.open = function () {
    var first = this.items()[0];
    if (!first || this.list.getAttribute('data-q') !== this.input.value) return false;
    window.location.href = first.href;
    return true;
  };

  function wireKeys(input, sel, onEscape) {
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { sel.move(1); e.preventDefault(); }
      else if (e.key === 'Enter') { if (sel.open()) e.preventDefault(); }
      else if (e.key === 'Escape' && onEscape) onEscape();
    });
    sel.list.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { sel.move(1); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { sel.move(-1); e.preventDefault(); }
      else if (e.key === 'Escape') { input.focus(); if (onEscape) onEscape(); }
    });
  }

  // --------------------------------------------------------- search page

  function searchPage(input, results) {
    var status = document.getElementById('search-status');
    var more = document.getElementById('search-more');
    var systems = document.getElementById('search-systems');
    var nojs = document.getElementById('search-nojs');
    if (nojs) nojs.hidden = true;
    var sel = new Selector(input, results);
    var seq = 0, current = null;
    results.setAttribute('aria-label', 'Search results');
    input.setAttribute('aria-controls', results.id);
    wireKeys(input, sel);

    function say(text) { if (status) status.textContent = text; }

    function run(q, fromUrl) {
      var started = performance.now();
      var my = ++seq;
      if (!fromUrl) {
        try {
          var url = new URL(window.location.href);
          if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
          history.replaceState(null, '', url.href);
        } catch (e) { /* some browsers refuse history on file:// */ }
      }
      if (systems) systems.hidden = !!q.trim();
      if (!q.trim()) {
        results.textContent = '';
        if (more) more.hidden = true;
        say('');
        return Promise.resolve();
      }
      return search(q).then(function (r) {
        if (my !== seq) return;
        var list = document.createDocumentFragment();
        return renderList(list, r.hits, r.words, 0, PAGE, 'search-r').then(function (shown) {
          if (my !== seq) return;
          results.textContent = '';
          results.appendChild(list);
          sel.reset();
          current = { hits: r.hits, words: r.words, shown: shown };
          if (more) more.hidden = shown >= r.hits.length;
          var ms = performance.now() - started;
          results.setAttribute('data-ms', ms.toFixed(1));
          results.setAttribute('data-count', String(r.hits.length));
          results.setAttribute('data-q', q);
          say(r.hits.length === 0
            ? 'Nothing matches “' + q.trim() + '”. Try fewer or shorter words, or find the system on the home page.'
            : r.hits.length + (r.hits.length === 1 ? ' result' : ' results') + ' for “' + q.trim() + '”');
          if (r.hits.length === 0 && systems) systems.hidden = false;
        });
      }).catch(function (e) {
        if (my !== seq) return;
        say('Search is unavailable: ' + e.message + '. The home page lists every system.');
        if (systems) systems.hidden = false;
      });
    }

    if (more) more.addEventListener('click', function () {
      if (!current) return;
      var my = seq;
      renderList(results, current.hits, current.words, current.shown, PAGE, 'search-r').then(function (shown) {
        if (my !== seq) return;
        current.shown = shown;
        more.hidden = shown >= current.hits.length;
      });
    });

    input.addEventListener('input', function () { run(input.value, false); });
    var form = input.form;
    if (form) form.addEventListener('submit', function (e) { e.preventDefault(); if (!sel.open()) run(input.value, false); });
    var q = new URLSearchParams(window.location.search).get('q') || '';
    input.value = q;
    run(q, true);
  }

  // ----------------------------------------------- header dropdown elsewhere

  function dropdown(input) {
    var form = input.form;
    if (!form) return;
    var box = el('div', 'search-dropdown');
    box.hidden = true;
    var list = el('ul', 'search-suggest');
    list.id = 'search-suggest';
    list.setAttribute('aria-label', 'Suggestions');
    box.appendChild(list);
    var all = el('a', 'search-all', 'All results');
    box.appendChild(all);
    form.appendChild(box);
    input.setAttribute('aria-controls', list.id);
    var sel = new Selector(input, list);
    var seq = 0;

    function hide() {
      box.hidden = true;
    }
    wireKeys(input, sel, hide);

    input.addEventListener('input', function () {
      var q = input.value, my = ++seq;
      if (!q.trim()) { hide(); return; }
      search(q).then(function (r) {
        if (my !== seq) return;
        var frag = document.createDocumentFragment();
        return renderList(frag, r.hits, r.words, 0, SUGGEST, 'search-s').then(function () {
          if (my !== seq) return;
          list.textContent = '';
          if (!r.hits.length) list.appendChild(el('li', 'search-empty', 'Nothing matches. Press Enter to search.'));
          list.appendChild(frag);
          all.href = form.getAttribute('action') + '?q=' + encodeURIComponent(q);
          all.textContent = r.hits.length > SUGGEST ? 'All ' + r.hits.length + ' results' : 'Open as a page';
          list.setAttribute('data-q', q);
          box.hidden = false;
        });
      }).catch(function () { hide(); });
    });
    document.addEventListener('click', function (e) { if (!form.contains(e.target)) hide(); });
  }

  // ------------------------------------------------------------------ start

  function start() {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('search.css', script.src).href;
    document.head.appendChild(link);

    var input = document.getElementById('search-input');
    // The "/" hint only off touch screens (a coarse pointer), where a keyboard is likely.
    if (input && !(window.matchMedia && window.matchMedia('(pointer: coarse)').matches)) {
      input.placeholder = 'Search (press /)';
    }
    document.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || !input) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
    if (!input) return;
    var results = document.getElementById('search-results');
    if (results) searchPage(input, results);
    else dropdown(input);
  }

  // Exposed for tests and bench/search_figures.
  api.query = search;
  api.loadedFiles = function () {
    return Object.keys(loaded).map(function (u) { return u.slice(indexBase.length); });
  };
  api.normalize = normalize;

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
