// cairn serve: reload the page when the site is rebuilt (served only by
// `cairn serve`, never part of a build). Long-polls /__cairn/wait with the
// generation the server stamped into this page. No eval, no inline style.
// A hidden tab stops polling (browsers allow only a few connections per
// host) and checks again as soon as it is shown.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="cairn-generation"]');
  var generation = meta ? meta.getAttribute("content") : "";
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/livereload\.js(\?.*)?$/, "") : "/__cairn/";
  var delay = 500;
  var controller = null;
  var active = false;
  var timer = null;

  function later() {
    // The server is restarting or gone: retry, slower and slower.
    delay = Math.min(delay * 2, 5000);
    timer = window.setTimeout(poll, delay);
  }

  function poll() {
    timer = null;
    if (active || document.hidden) { return; }
    active = true;
    controller = typeof AbortController === "function" ? new AbortController() : null;
    fetch(base + "wait?since=" + encodeURIComponent(generation), {
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        active = false;
        delay = 500;
        var now = String(data.generation);
        if (generation !== "" && now !== generation) {
          window.location.reload();
          return;
        }
        generation = now;
        poll();
      })
      .catch(function (error) {
        active = false;
        if (error && error.name === "AbortError") {
          // Hidden meanwhile; shown again before the abort landed: go on.
          if (!document.hidden) { poll(); }
          return;
        }
        later();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (controller) { controller.abort(); }
      controller = null;
    } else if (!active && timer === null) {
      poll();
    }
  });

  poll();
})();
