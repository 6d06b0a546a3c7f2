// cairn now board (now/index.html): who answers each system at the reader's
// minute, and until when, in the site's timezone. The page is complete without
// this script (the weekly table is the page); it marks the answering level with
// cairn.answerNow (assets/cairn.js, the call cards' function) and filters by typing.
(function () {
  "use strict";
  function mark(board, now) {
    var c = window.cairn;
    var shown = null, ended = null;
    board.querySelectorAll(".now-system").forEach(function (row) {
      var items = row.querySelectorAll(".now-level[data-hours]");
      var line = row.querySelector(".now-answer");
      // The same ladder reader as the call cards: the board's levels carry the
      // same data-hours, data-after and data-timeline attributes.
      var ladder = c.ladderFrom(row, ".now-level[data-hours]");
      var r;
      try { r = c.answerNow(ladder, now); } catch (e) { return; }
      if (shown === null) shown = r.when;
      if (r.ended) ended = r.ended;
      items.forEach(function (li, i) {
        if (i === r.first) li.setAttribute("data-now", "true"); else li.removeAttribute("data-now");
      });
      line.textContent = "";
      line.className = "now-answer" + (r.first >= 0 ? "" : " gap");
      line.hidden = false;
      if (r.ended) {
        line.appendChild(document.createTextNode("Calendar data ends " + r.ended + ": rebuild the site"));
        row.setAttribute("data-answering", "");
        return;
      }
      var d = c.minutesUntilChange(r);
      var at = Math.floor(now.getTime() / 60000);
      var until = d === null ? (r.dated ? "" : "all week") : "until " + (r.dated ? c.aheadLabel(at + d, at, ladder.timezone) : c.weekLabel(r.minute + d));
      var notes = r.levels.filter(function (s, i) { return s.note && (r.first < 0 || i < r.first); })
        .map(function (s) { return s.note; });
      if (r.first >= 0) {
        var s = r.levels[r.first];
        line.appendChild(document.createTextNode("Now: "));
        if (s.duty && s.duty.name && (s.duty.coveringFor || s.duty.rotation)) {
          line.appendChild(items[r.first].querySelector(".party").cloneNode(true));
          line.appendChild(document.createTextNode(" · " + s.duty.name + (s.dutyNote ? " (" + s.dutyNote + ")" : "") + " "));
          if (s.duty.tel) {
            var a = document.createElement("a");
            a.className = "call";
            a.href = "tel:" + s.duty.tel;
            a.textContent = s.duty.phone;
            line.appendChild(a);
          }
        } else {
          var who = items[r.first].querySelector(".now-who").cloneNode(true);
          // Copy buttons (cairn.js) keep their handlers on the original only.
          who.querySelectorAll("button").forEach(function (b) { b.remove(); });
          line.appendChild(who);
        }
        line.appendChild(document.createTextNode(" · level " + (r.first + 1) + (until ? ", " + until : "")));
        row.setAttribute("data-answering", String(r.first + 1));
      } else {
        var strong = document.createElement("strong");
        strong.textContent = "Nobody answers now";
        line.appendChild(strong);
        if (items.length && until) line.appendChild(document.createTextNode(" · " + until));
        row.setAttribute("data-answering", "0");
      }
      // "Christmas Day — Acme Internal IT closed": why an earlier level is not answering.
      notes.filter(function (n, i) { return notes.indexOf(n) === i; }).forEach(function (n) {
        line.appendChild(document.createTextNode(" · " + n));
      });
    });
    var clock = document.getElementById("now-clock");
    if (clock && shown) {
      clock.textContent = "It is " + shown + " (" + board.querySelector(".now-system").getAttribute("data-timezone") + ")." +
        (ended ? " Calendar data ends " + ended + ": rebuild the site." : "");
      clock.hidden = false;
    }
    coming(now);
  }

  // The coming holidays and (internal builds) absences of the next 14 days,
  // from the calendar data; the build's own list stays when there is none.
  function coming(now) {
    var box = document.getElementById("now-coming"), cal = window.cairn.calendar();
    if (!box || !cal) return;
    var list = box.querySelector("ul"), tz = cal.timezone;
    var today = window.cairn.isoDate(now, tz);
    var last = window.cairn.isoDate(new Date(Date.parse(today + "T12:00:00Z") + 13 * 86400000), "UTC");
    var items = [];
    cal.holidays.forEach(function (h) {
      if (h[0] >= today && h[0] <= last) items.push([h[0], h[0], h[1] + (h[2] ? " (" + h[2] + ")" : "")]);
    });
    (cal.away || []).forEach(function (a) {
      if (a[1] >= today && a[0] <= last) items.push([a[0], a[1], a[2] + " away" + (a[3] ? ", " + a[3] + " covers" : ", no cover")]);
    });
    items.sort(function (x, y) { return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0; });
    list.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var when = document.createElement("span");
      when.className = "date";
      when.textContent = it[0] === it[1] ? day(it[0]) : day(it[0]) + " – " + day(it[1]);
      li.appendChild(when);
      li.appendChild(document.createTextNode(": " + it[2]));
      list.appendChild(li);
    });
    var none = box.querySelector(".now-coming-none");
    if (none) none.hidden = items.length > 0;
    var from = box.querySelector(".now-coming-from");
    if (from) from.textContent = day(today);
  }

  // "Fri 25 Dec" for "2026-12-25".
  function day(iso) {
    var d = new Date(iso + "T12:00:00Z");
    return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(d).replace(",", "");
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
