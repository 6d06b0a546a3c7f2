// cairn serve: reload the page when the site is rebuilt (served only by
// `cairn serve`, never part of a build). Long-polls /__cairn/wait with the
// generation the server stamped into this page; no eval, no inline style.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="cairn-generation"]');
  var generation = meta ? meta.getAttribute("content") : "";
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/livereload\.js(\?.*)?$/, "") : "/__cairn/";
  var delay = 500;

  function poll() {
    fetch(base + "wait?since=" + encodeURIComponent(generation), { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        delay = 500;
        var now = String(data.generation);
        if (generation !== "" && now !== generation) {
          window.location.reload();
          return;
        }
        generation = now;
        poll();
      })
      .catch(function () {
        // The server is restarting or gone: retry, slower and slower.
        delay = Math.min(delay * 2, 5000);
        window.setTimeout(poll, delay);
      });
  }

  poll();
})();
