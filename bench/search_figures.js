/* Types a word into the search page's input as a user would and times each
 * keystroke until its results are on screen (MutationObserver on the
 * results list, which search.js stamps with data-q after rendering).
 * ?word=vpn&mode=typed|direct. Writes JSON into #bench-out. */
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var word = params.get('word') || 'vpn';
  var mode = params.get('mode') || 'typed';
  var input = document.getElementById('search-input');
  var results = document.getElementById('search-results');
  var out = document.getElementById('bench-out');

  function rendered(q) {
    return new Promise(function (resolve) {
      if (results.getAttribute('data-q') === q) return resolve();
      var mo = new MutationObserver(function () {
        if (results.getAttribute('data-q') === q) { mo.disconnect(); resolve(); }
      });
      mo.observe(results, { attributes: true });
    });
  }

  function type(q) {
    var t = performance.now();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return rendered(q).then(function () { return performance.now() - t; });
  }

  function run() {
    var steps = mode === 'direct' ? [word] : Array.from(word).map(function (_, i) {
      return Array.from(word).slice(0, i + 1).join('');
    });
    var times = [];
    var chain = Promise.resolve();
    steps.forEach(function (q) {
      chain = chain.then(function () { return type(q); }).then(function (ms) { times.push(ms); });
    });
    chain.then(function () {
      out.textContent = JSON.stringify({
        word: word, mode: mode, ms: times,
        count: Number(results.getAttribute('data-count')),
        files: window.cairnSearch.loadedFiles()
      });
    }).catch(function (e) { out.textContent = JSON.stringify({ error: String(e) }); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { setTimeout(run, 0); });
  else setTimeout(run, 0);
})();
