// cairn serve: reload the page when the site is rebuilt (served only by
// `cairn serve`, never part of a build). Opens a WebSocket to /__cairn/ws,
// which sends {"generation": N} at once and after every rebuild; the page
// reloads when N differs from the generation the server put in this script's
// URL (`livereload.js?generation=N`, the one thing `serve` adds to a page).
// A hidden tab reloads when it is shown again. No eval, no inline style.
(function () {
  "use strict";
  var script = document.currentScript;
  var stamped = script && script.src ? /[?&]generation=(\d+)/.exec(script.src) : null;
  var generation = stamped ? stamped[1] : "";
  var base = script && script.src ? script.src.replace(/livereload\.js(\?.*)?$/, "") : location.origin + "/__cairn/";
  var url = base.replace(/^http/, "ws") + "ws";
  var delay = 500;
  var stale = false;

  function reload() {
    if (document.hidden) {
      stale = true;
    } else {
      window.location.reload();
    }
  }

  function connect() {
    var socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      later();
      return;
    }
    socket.onmessage = function (event) {
      delay = 500;
      var now;
      try {
        now = String(JSON.parse(event.data).generation);
      } catch (error) {
        return;
      }
      if (generation !== "" && now !== generation) {
        reload();
        return;
      }
      generation = now;
    };
    socket.onclose = later;
  }

  function later() {
    // The server is restarting or gone: retry, slower and slower.
    delay = Math.min(delay * 2, 5000);
    window.setTimeout(connect, delay);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && stale) { window.location.reload(); }
  });

  connect();
})();
