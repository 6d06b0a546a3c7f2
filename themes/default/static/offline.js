// cairn: keep the site on this device for when the network is down (see sw.js).
// Only in a secure context served over HTTP(S): from file:// nothing happens.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || location.protocol === "file:" || !window.isSecureContext ||
      !("serviceWorker" in navigator)) return;
  var root = new URL("../", script.src); // this file is assets/offline.js
  var sw = navigator.serviceWorker;

  function say(text) {
    var status = document.getElementById("offline-status");
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  function saved(built) {
    var text = "Available offline: copy built " + built + ".";
    // Safari drops a site's storage after 7 days without a visit, unless it is on the Home Screen.
    if (/iPad|iPhone|iPod/.test(navigator.userAgent) && !navigator.standalone) {
      text += " On iPhone and iPad, add this site to your Home Screen to keep it.";
    }
    say(text);
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(function () {});
    }
  }

  sw.addEventListener("message", function (event) {
    var m = event.data || {};
    if (m.type === "progress" && m.total) {
      say("Saving for offline… " + Math.floor((100 * m.done) / m.total) + " %");
    } else if (m.type === "ready" || (m.type === "status" && m.ready)) {
      saved(m.built);
    } else if (m.type === "failed") {
      say("Could not save this site for offline use; it will try again on the next visit.");
    }
  });

  function askStatus() {
    if (sw.controller) sw.controller.postMessage({ type: "status" });
  }
  sw.addEventListener("controllerchange", askStatus);
  // Look for a newer build at most every few minutes: `sw.js` is small, and a
  // new one brings the new numbers into the offline copy.
  function checkForNewBuild(registration) {
    var key = "cairn-offline-checked:" + root.href, now = Date.now(), last = 0;
    try { last = +sessionStorage.getItem(key) || 0; } catch (e) {}
    if (navigator.onLine === false || now - last < 5 * 60 * 1000) return;
    try { sessionStorage.setItem(key, String(now)); } catch (e) {}
    registration.update().catch(function () {});
  }
  sw.register(new URL("sw.js", root).href, { scope: root.href }).then(function (registration) {
    askStatus();
    checkForNewBuild(registration);
  }, function (err) {
    // Refused (private mode, storage off): the site still works online.
    if (window.console) console.warn("cairn: no offline copy:", String(err));
  });
})();
