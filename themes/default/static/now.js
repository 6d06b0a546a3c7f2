// cairn now board (now/index.html): who answers each system at the reader's
// minute, and until when, in the site's timezone. The page is complete without
// this script (the weekly table is the page); it marks the answering level with
// cairn.answering (assets/cairn.js, the call cards' function) and filters by typing.
(function () {
  "use strict";
  var WEEK = 7 * 1440;

  function spans(text) {
    return (text || "").split(" ").map(function (s) { return s.split("-").map(Number); })
      .filter(function (ab) { return ab.length === 2 && ab[0] < ab[1]; });
  }

  // Minutes from now until someone else answers first: the answering level
  // closes, or an earlier level opens. null: never (the same level all week).
  function minutesUntilChange(r) {
    var best = null;
    function take(d) { if (d !== null && d !== undefined && d > 0 && (best === null || d < best)) best = d; }
    r.levels.forEach(function (s, i) {
      if (r.first < 0 || i < r.first) { if (!s.open) take(s.opensIn); }
      else if (i === r.first && s.closesAt !== null) take((s.closesAt - r.minute + WEEK) % WEEK || WEEK);
    });
    return best;
  }

  function mark(board, now) {
    var c = window.cairn;
    var shown = null;
    board.querySelectorAll(".now-system").forEach(function (row) {
      var items = row.querySelectorAll(".now-level[data-hours]");
      var line = row.querySelector(".now-answer");
      var ladder = {
        timezone: row.getAttribute("data-timezone"),
        levels: Array.prototype.map.call(items, function (li) {
          return { spans: spans(li.getAttribute("data-hours")), after: parseInt(li.getAttribute("data-after") || "0", 10) };
        })
      };
      var r;
      try { r = c.answering(ladder, now); } catch (e) { return; }
      if (shown === null) shown = c.weekLabel(r.minute);
      items.forEach(function (li, i) {
        if (i === r.first) li.setAttribute("data-now", "true"); else li.removeAttribute("data-now");
      });
      var d = minutesUntilChange(r);
      var until = d === null ? "all week" : "until " + c.weekLabel(r.minute + d);
      line.textContent = "";
      if (r.first >= 0) {
        var who = items[r.first].querySelector(".now-who").cloneNode(true);
        // Copy buttons (cairn.js) keep their handlers on the original only.
        who.querySelectorAll("button").forEach(function (b) { b.remove(); });
        line.appendChild(document.createTextNode("Now: "));
        line.appendChild(who);
        line.appendChild(document.createTextNode(" · level " + (r.first + 1) + ", " + until));
        row.setAttribute("data-answering", String(r.first + 1));
      } else {
        var strong = document.createElement("strong");
        strong.textContent = "Nobody answers now";
        line.appendChild(strong);
        if (items.length) line.appendChild(document.createTextNode(" · " + (d === null ? "all week" : "until " + c.weekLabel(r.minute + d))));
        row.setAttribute("data-answering", "0");
      }
      line.className = "now-answer" + (r.first >= 0 ? "" : " gap");
      line.hidden = false;
    });
    var clock = document.getElementById("now-clock");
    if (clock && shown) {
      clock.textContent = "It is " + shown + " (" + board.querySelector(".now-system").getAttribute("data-timezone") + ").";
      clock.hidden = false;
    }
  }

  function filter(board, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean), total = 0;
    board.querySelectorAll(".now-tier").forEach(function (tier) {
      var visible = 0;
      tier.querySelectorAll(".now-system").forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) visible++;
      });
      tier.hidden = visible === 0;
      total += visible;
    });
    var none = document.getElementById("now-none");
    if (none) none.hidden = total > 0;
    var count = document.getElementById("now-count");
    if (count) count.textContent = words.length ? total + " shown" : "";
  }

  function start() {
    var board = document.getElementById("now-board");
    if (!board || !window.cairn || !board.querySelector(".now-system")) return;
    // With the answer on each row the weekly tables fold away (still one click).
    board.querySelectorAll("details.now-week").forEach(function (d) { d.open = false; });
    mark(board, new Date());
    setInterval(function () { mark(board, new Date()); }, 60000);
    var form = document.getElementById("now-filter"), input = document.getElementById("now-q");
    if (form && input) {
      form.hidden = false;
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      input.addEventListener("input", function () { filter(board, input.value); });
      if (input.value) filter(board, input.value);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
