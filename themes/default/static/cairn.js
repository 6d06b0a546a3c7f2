// cairn: mark the escalation level that answers now, in the site's timezone.
// The page is complete without this script; it only adds the "answers now" mark.
(function () {
  "use strict";
  var DAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  // Minute of the week (Monday 00:00 = 0) of `date` in IANA zone `tz`.
  function minuteOfWeek(date, tz) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    var hour = parseInt(parts.hour, 10) % 24;
    return DAYS[parts.weekday] * 1440 + hour * 60 + parseInt(parts.minute, 10);
  }

  function covers(spans, minute) {
    return spans.split(" ").some(function (span) {
      var ab = span.split("-");
      return ab.length === 2 && minute >= +ab[0] && minute < +ab[1];
    });
  }

  function markLadders(now) {
    document.querySelectorAll(".ladder[data-timezone]").forEach(function (ladder) {
      var minute;
      try { minute = minuteOfWeek(now, ladder.dataset.timezone); } catch (e) { return; }
      var levels = ladder.querySelectorAll(".level[data-hours]");
      var found = null;
      levels.forEach(function (level) {
        level.removeAttribute("data-now");
        var badge = level.querySelector(".now-badge");
        if (badge) badge.hidden = true;
        if (!found && covers(level.dataset.hours, minute)) found = level;
      });
      var line = ladder.querySelector(".now-line");
      if (found) {
        found.setAttribute("data-now", "true");
        var badge = found.querySelector(".now-badge");
        if (badge) badge.hidden = false;
        if (line) {
          var party = found.querySelector(".party");
          line.querySelector(".now-text").textContent =
            "level " + found.querySelector(".level-no").textContent + ", " + (party ? party.textContent : "");
          line.hidden = false;
        }
      } else if (line) {
        line.querySelector(".now-text").textContent = "nobody on this ladder right now";
        line.hidden = false;
      }
    });
  }

  function start() {
    markLadders(new Date());
    // Keep the mark true on a page left open through a shift change.
    setInterval(function () { markLadders(new Date()); }, 60000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
