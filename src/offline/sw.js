// cairn service worker: keeps this site readable when the network is down.
// The build prepends `self.CAIRN_OFFLINE = {...}` (build hash and time) and the
// import of sw-manifest.js, which sets `self.CAIRN_FILES` ([path, hash] pairs). Phone numbers change, so pages are network-first:
// the cache answers only when the network fails, and then the page says so.
"use strict";
var C = self.CAIRN_OFFLINE;
var SCOPE = self.registration.scope; // the site root, ends with "/"
var PREFIX = "cairn:" + SCOPE + ":"; // several sites may share an origin under sub-paths
var CACHE = PREFIX + C.build;
var MANIFEST_URL = SCOPE + "__cairn-offline-manifest.json";
var PAGE_TIMEOUT_MS = 4000;
var PARALLEL = 6;

function broadcast(message) {
  return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (list) {
    list.forEach(function (client) { client.postMessage(message); });
  });
}

// Hashes of the files an older cache of this site holds, to reuse what did not change.
function previousCopies() {
  return caches.keys().then(function (keys) {
    var older = keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; });
    return Promise.all(older.map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.match(MANIFEST_URL).then(function (r) { return r ? r.json() : {}; })
          .then(function (hashes) { return { cache: cache, hashes: hashes }; });
      });
    }));
  }).catch(function () { return []; });
}

// All or nothing: any file that cannot be fetched deletes the whole new cache,
// and the worker that installed earlier keeps serving its complete copy.
function precache() {
  var files = self.CAIRN_FILES, total = files.length, done = 0, next = 0;
  var wanted = {};
  files.forEach(function (f) { wanted[f[0]] = f[1]; });
  return caches.delete(CACHE).then(function () {
    return Promise.all([caches.open(CACHE), previousCopies()]);
  }).then(function (opened) {
    var cache = opened[0], older = opened[1];
    function reuse(path, hash) {
      var found = older.filter(function (o) { return o.hashes[path] === hash; })[0];
      return found ? found.cache.match(SCOPE + path) : Promise.resolve(undefined);
    }
    function worker() {
      if (next >= total) return Promise.resolve();
      var f = files[next++], url = SCOPE + f[0];
      return reuse(f[0], f[1]).then(function (kept) {
        if (kept) return kept;
        return fetch(url, { cache: "no-cache", credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(url + ": HTTP " + r.status);
          return r;
        });
      }).then(function (response) {
        return cache.put(url, response);
      }).then(function () {
        done++;
        if (done === total || done % 25 === 0) {
          broadcast({ type: "progress", done: done, total: total });
        }
        return worker();
      });
    }
    var workers = [];
    for (var i = 0; i < PARALLEL; i++) workers.push(worker());
    return Promise.all(workers).then(function () {
      return cache.put(MANIFEST_URL, new Response(JSON.stringify(wanted), {
        headers: { "Content-Type": "application/json" }
      }));
    });
  }).catch(function (err) {
    return caches.delete(CACHE).then(function () {
      broadcast({ type: "failed", reason: String(err) });
      throw err;
    });
  });
}

self.addEventListener("install", function (event) {
  // A new build replaces the old one at once: its numbers are the newer ones.
  event.waitUntil(precache().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PREFIX) === 0 && k !== CACHE; // only this site's older copies
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () {
    return self.clients.claim();
  }).then(function () {
    return broadcast({ type: "ready", built: C.built });
  }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "status" && event.source) {
    caches.has(CACHE).then(function (ready) {
      event.source.postMessage({ type: "status", ready: ready, built: C.built });
    });
  }
});

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
  });
}

// A page answered from the cache says so before anything else on it.
function withBanner(response) {
  return response.text().then(function (html) {
    var banner = '<div class="offline-banner" role="alert"><strong>Offline copy</strong> from ' +
      escapeHtml(C.built) + ". Numbers and hours may have changed since; check again when you are back online.</div>";
    var body = html.search(/<body[^>]*>/i);
    if (body >= 0) {
      var end = html.indexOf(">", body) + 1;
      html = html.slice(0, end) + banner + html.slice(end);
    }
    var headers = new Headers(response.headers);
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(html, { status: 200, headers: headers });
  });
}

function fromCache(request, isPage) {
  return caches.open(CACHE).then(function (cache) {
    // `search/index.html?q=…` is one file: its query is read by the page's script.
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      if (hit || !isPage) return hit;
      return cache.match(SCOPE + "404.html");
    });
  });
}

function networkFirst(request) {
  var isHtml = request.mode === "navigate" || /(\.html|\/)$/.test(new URL(request.url).pathname);
  return new Promise(function (resolve, reject) {
    var settled = false;
    function fallback() {
      if (settled) return;
      settled = true;
      fromCache(request, isHtml).then(function (hit) {
        if (!hit) return reject(new TypeError("offline and not cached"));
        resolve(isHtml ? withBanner(hit) : hit);
      }, reject);
    }
    var timer = setTimeout(fallback, PAGE_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      resolve(response);
    }, function () {
      clearTimeout(timer);
      fallback();
    });
  });
}

function cacheFirst(request) {
  return fromCache(request, false).then(function (hit) { return hit || fetch(request); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;
  var path = new URL(request.url).pathname;
  // `cairn serve`'s live reload and the worker itself always go to the network.
  if (path.indexOf("/__cairn/") !== -1 || request.url.split("?")[0] === SCOPE + "sw.js") return;
  var rel = request.url.slice(SCOPE.length).split("?")[0];
  var isPage = request.mode === "navigate" || /(\.html|\/)$/.test(path) || rel === "" || rel === "cairn.json";
  event.respondWith(isPage ? networkFirst(request) : cacheFirst(request));
});
