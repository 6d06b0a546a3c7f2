// cairn: the theme's script. The pages are complete without it: the ladder, the
// review queue and the matrix are all in the HTML. It adds what only the reader's
// clock can know (who answers now, what is overdue today) and a few conveniences.
//
// `window.cairn` holds the reusable parts (other pages and themes build on them):
//   cairn.answering(ladder, date)  who answers a ladder at `date`, per SPEC "Ladder timing"
//   cairn.ladderFrom(element)      a ladder read from `.ladder[data-timezone]` markup
//   cairn.minuteOfWeek(date, tz)   minute of the week (Monday 00:00 = 0) in an IANA zone
//   cairn.weekLabel(minute)        "Mon 08:00"
//   cairn.clock(date, tz)          "02:15"
(function () {
  "use strict";
  var WEEK = 7 * 1440;
  var DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var DAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  function zoneParts(date, tz) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }

  // Minute of the week (Monday 00:00 = 0) of `date` on the wall clock of zone `tz`.
  function minuteOfWeek(date, tz) {
    var p = zoneParts(date, tz);
    return DAYS[p.weekday] * 1440 + (parseInt(p.hour, 10) % 24) * 60 + parseInt(p.minute, 10);
  }

  // "2026-11-29": the calendar date of `date` in zone `tz`.
  function isoDate(date, tz) {
    var p = zoneParts(date, tz);
    return p.year + "-" + p.month + "-" + p.day;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function weekLabel(minute) {
    var m = ((minute % WEEK) + WEEK) % WEEK;
    return DAY_NAMES[Math.floor(m / 1440)] + " " + pad(Math.floor((m % 1440) / 60)) + ":" + pad(m % 60);
  }

  function clock(date, tz) {
    var p = zoneParts(date, tz);
    return pad(parseInt(p.hour, 10) % 24) + ":" + p.minute;
  }

  // A level's data-hours -> minute spans of the week: "480-1080/31 7740-7980" ->
  // [[480, 1080], [1920, 2520], …, [6240, 6840], [7740, 7980]]. A term is A-B,
  // minutes of the week (Monday 00:00 = 0), or A-B/D, minutes of each day whose bit
  // is set in D (Monday 1, Tuesday 2, … Sunday 64); an end past the week runs on
  // into Monday.
  function parseSpans(text) {
    var spans = [];
    function add(a, b) {
      if (a >= WEEK) return;
      spans.push([a, Math.min(b, WEEK)]);
      if (b > WEEK && a > 0) spans.push([0, Math.min(b - WEEK, a)]);
    }
    (text || "").split(" ").forEach(function (term) {
      var t = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(term);
      if (!t || +t[1] >= +t[2]) return;
      if (t[3] === undefined) { add(+t[1], +t[2]); return; }
      for (var d = 0; d < 7; d++) if (+t[3] & (1 << d)) add(d * 1440 + +t[1], d * 1440 + +t[2]);
    });
    return spans;
  }

  function isOpen(spans, m) {
    return spans.some(function (ab) { return m >= ab[0] && m < ab[1]; });
  }

  // Wall-clock minutes from `m` until the level opens (it is closed at `m`); null: never.
  function minutesUntilOpen(spans, m) {
    var best = null;
    spans.forEach(function (ab) {
      var d = (ab[0] - m + WEEK) % WEEK;
      if (best === null || d < best) best = d;
    });
    return best;
  }

  // Wall-clock minutes from `m` until the level closes (it is open at `m`); null: never (24x7).
  function minutesUntilClose(spans, m) {
    var t = m, guard = 0;
    while (guard++ <= spans.length) {
      var w = ((t % WEEK) + WEEK) % WEEK, end = null;
      spans.forEach(function (ab) { if (w >= ab[0] && w < ab[1]) end = t + (ab[1] - w); });
      if (end === null) return t - m;
      if (end - m >= WEEK) return null;
      t = end;
    }
    return null;
  }

  // Who answers `ladder` at `date`. SPEC "Ladder timing": levels whose hours do not
  // contain the current minute are skipped; the first open level is called at once;
  // a later open level is called `after` minutes after the previous open level was.
  //
  // ladder: { timezone: "America/New_York", levels: [{ spans: [[a, b], …], after: minutes }] }
  // returns { minute, first, next, levels: [{ open, callAt: Date|null,
  //   opensAt: minute of week|null, closesAt: minute of week|null }] }
  // where `first` is the index of the level to call now (-1: nobody answers) and
  // `next` the index of the open level after it (-1: none).
  function answering(ladder, date) {
    var m = minuteOfWeek(date, ladder.timezone);
    var at = null, first = -1, next = -1;
    var levels = ladder.levels.map(function (l, i) {
      var open = isOpen(l.spans, m), s = { open: open, callAt: null, opensAt: null, closesAt: null };
      if (open) {
        if (at === null) { at = date.getTime(); first = i; }
        else { at += (l.after || 0) * 60000; if (next < 0) next = i; }
        s.callAt = new Date(at);
        var close = minutesUntilClose(l.spans, m);
        s.closesAt = close === null ? null : (m + close) % WEEK;
      } else {
        var open_ = minutesUntilOpen(l.spans, m);
        s.opensAt = open_ === null ? null : (m + open_) % WEEK;
        s.opensIn = open_;
      }
      return s;
    });
    return { minute: m, first: first, next: next, levels: levels };
  }

  // A ladder level's key in the calendar: `SYSTEM/LEVEL`, from its id
  // `ladder-SYSTEM-LEVEL` (the now board's levels say it in `data-timeline`).
  function timelineKey(id) {
    var m = /^ladder-(.+)-(\d+)$/.exec(id || "");
    return m ? m[1] + "/" + m[2] : null;
  }

  // `selector`: the level elements (the call cards' `.level`, the now board's `.now-level`).
  function ladderFrom(el, selector) {
    var levels = Array.prototype.map.call(el.querySelectorAll(selector || ".level[data-hours]"), function (li) {
      return { spans: parseSpans(li.getAttribute("data-hours")), after: parseInt(li.getAttribute("data-after") || "0", 10),
        key: li.getAttribute("data-timeline") || timelineKey(li.id), element: li };
    });
    return { timezone: el.getAttribute("data-timezone"), levels: levels };
  }

  // ------------------------------------------------------------- the calendar
  // assets/calendar.js (built for this build's audience, shared by every page)
  // sets window.cairnCalendar: per ladder level, the dated stretches it answers
  // from the build date to the end of the data, with the person on duty, and why
  // it is closed when a holiday or an absence closes it. Minutes count from the
  // Unix epoch (UTC); the wall clock only matters for labels.
  var MINUTE = 60000;
  var decodedCalendar;

  // Stretches are sent as flat numbers relative to the previous end (small digits):
  // open: [gap, length, person index (-1: the level as written), until]…, gaps
  // from the previous end and `until` (where that person's duty ends) from the
  // previous person's; closures: [gap, length, reason index]…
  function decodeTimeline(raw, start, people, reasons) {
    var open = [], closures = [], t = start, u = start, i, o = raw.o || [], c = raw.c || [];
    for (i = 0; i + 3 < o.length; i += 4) {
      var s = t + o[i], e = s + o[i + 1], p = o[i + 2] >= 0 ? people[o[i + 2]] : null;
      if (p) u += o[i + 3];
      open.push({ start: s, end: e, duty: p ? { name: p.n || null, phone: p.p || null, tel: p.t || null, email: p.e || null,
        coveringFor: p.c || null, rotation: p.r || null, until: u } : null });
      t = e;
    }
    t = start;
    for (i = 0; i + 2 < c.length; i += 3) {
      var cs = t + c[i], ce = cs + c[i + 1];
      closures.push({ start: cs, end: ce, reason: reasons[c[i + 2]] || "closed" });
      t = ce;
    }
    return { open: open, closures: closures };
  }

  // The decoded calendar, or null when the page has none (an older theme, a site
  // built without one): then the weekly hours alone answer, as before.
  function calendar() {
    if (decodedCalendar !== undefined) return decodedCalendar;
    var raw = window.cairnCalendar;
    decodedCalendar = null;
    if (!raw || raw.v !== 1) return null;
    var people = raw.people || [], reasons = raw.reasons || [];
    decodedCalendar = {
      timezone: raw.tz, start: raw.start, end: raw.end, endDate: raw.endDate,
      timelines: (raw.timelines || []).map(function (t) { return decodeTimeline(t, raw.start, people, reasons); }),
      levels: raw.levels || {}, holidays: raw.holidays || [], away: raw.away || null
    };
    return decodedCalendar;
  }

  // The stretch of `list` (sorted, disjoint, half-open) containing minute `m`, or null.
  function stretchAt(list, m) {
    var lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, s = list[mid];
      if (m < s.start) hi = mid - 1;
      else if (m >= s.end) lo = mid + 1;
      else return s;
    }
    return null;
  }

  // The first stretch of `list` starting at or after `m`, or null.
  function stretchFrom(list, m) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid].start < m) lo = mid + 1; else hi = mid; }
    return lo < list.length ? list[lo] : null;
  }

  // Where the run of open stretches containing `m` ends (adjacent stretches that
  // only change the person on duty are one run).
  function runEnd(list, m) {
    var s = stretchAt(list, m);
    if (!s) return null;
    var end = s.end, next;
    while ((next = stretchFrom(list, end)) && next.start === end) end = next.end;
    return end;
  }

  // The JavaScript twin of the Rust `calendar::answering` (tests/fixtures/
  // calendar-cases.json holds the cases both must pass). SPEC "Ladder timing":
  // a level closed at `at` is skipped; the first open level is called at `at`;
  // each later open level `after` minutes after the previous open one was.
  // levels: [{ timeline: { open: [{start, end, duty}] }, after: minutes }]
  // returns { first: index | null, callAt: [minute | null], duty: [duty | null] },
  // where a level's duty is the person on duty when it would be called (a later
  // level is called later: a handoff may fall in between).
  function answeringAt(levels, at) {
    var first = null, prev = null, callAt = [], duty = [];
    levels.forEach(function (l, i) {
      var now = stretchAt(l.timeline.open, at);
      if (!now) { callAt.push(null); duty.push(null); return; }
      var t = prev === null ? at : prev + (l.after || 0);
      if (first === null) first = i;
      prev = t;
      callAt.push(t);
      var then = stretchAt(l.timeline.open, t) || now;
      duty.push(then.duty);
    });
    return { first: first, callAt: callAt, duty: duty };
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function wall(date, tz) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz, weekday: "short", year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return {
      weekday: parts.weekday, day: parseInt(parts.day, 10), month: MONTHS[parseInt(parts.month, 10) - 1],
      year: parts.year, time: pad(parseInt(parts.hour, 10) % 24) + ":" + parts.minute, zone: parts.timeZoneName
    };
  }

  // "Fri 25 Dec 2026, 10:00 EST": the now line, with the date, never the weekday alone.
  function dateLine(date, tz) {
    var w = wall(date, tz);
    return w.weekday + " " + w.day + " " + w.month + " " + w.year + ", " + w.time + " " + w.zone;
  }

  // A minute ahead of `from`: "Mon 18:00" within the coming six days, else with
  // its date ("Mon 4 Jan 09:00"); `dateOnly` drops the time ("Mon 4 Jan").
  function aheadLabel(minute, from, tz, dateOnly) {
    var w = wall(new Date(minute * MINUTE), tz);
    if (dateOnly) return w.weekday + " " + w.day + " " + w.month;
    if (minute - from < 6 * 1440) return w.weekday + " " + w.time;
    return w.weekday + " " + w.day + " " + w.month + " " + w.time;
  }

  // "covering for Marcus Lee until Mon 4 Jan", "on duty until Mon 09:00, then Lee Wu".
  function dutyNote(duty, timeline, from, tz) {
    if (!duty) return "";
    if (duty.coveringFor) {
      var back = wall(new Date(duty.until * MINUTE), tz);
      return "covering for " + duty.coveringFor + " until " + aheadLabel(duty.until, from, tz, back.time === "00:00");
    }
    if (duty.rotation) {
      var next = stretchFrom(timeline.open, duty.until), name = next && next.duty && next.duty.name;
      // Only a handoff is news: with none in the data (a client sees the level's
      // client_contact throughout) "until" would be the data's last day.
      if (!name || name === duty.name) return "";
      return duty.rotation + ": on duty until " + aheadLabel(duty.until, from, tz) + ", then " + name;
    }
    return "";
  }

  // Who answers the ladder at `date`, with what the page says about each level:
  // from the calendar when the page's levels are in it, else from the weekly hours.
  // returns { dated, ended (the data's last date, when `date` is past it), when
  //   (the now line), first, next, levels: [{ open, callAt: Date|null, until (label,
  //   null: no end), untilIn (minutes), opens (label), opensIn, note (why closed),
  //   duty, dutyNote }] }
  function answerNow(ladder, date) {
    var tz = ladder.timezone, cal = calendar();
    var keyed = cal && ladder.levels.every(function (l) { return l.key && cal.levels[l.key] !== undefined; });
    var at = Math.floor(date.getTime() / MINUTE);
    if (!keyed || at < cal.start) return weeklyAnswer(ladder, date);
    var r = { dated: true, ended: null, when: dateLine(date, tz), first: -1, next: -1, levels: [] };
    if (at >= cal.end) { r.ended = cal.endDate; return r; }
    var levels = ladder.levels.map(function (l) { return { timeline: cal.timelines[cal.levels[l.key]], after: l.after }; });
    var a = answeringAt(levels, at);
    r.first = a.first === null ? -1 : a.first;
    r.levels = levels.map(function (l, i) {
      var s = { open: a.callAt[i] !== null, callAt: null, until: null, untilIn: null, opens: null, opensIn: null,
        note: null, duty: a.duty[i], dutyNote: "" };
      if (s.open) {
        if (i !== r.first && r.next < 0) r.next = i;
        s.callAt = new Date(a.callAt[i] * MINUTE);
        var end = runEnd(l.timeline.open, at);
        if (end !== null && end < cal.end) { s.untilIn = end - at; s.until = aheadLabel(end, at, tz); }
        s.dutyNote = dutyNote(s.duty, l.timeline, at, tz);
      } else {
        var closure = stretchAt(l.timeline.closures, at);
        if (closure) s.note = closure.reason;
        var next = stretchFrom(l.timeline.open, at);
        if (next) { s.opensIn = next.start - at; s.opens = aheadLabel(next.start, at, tz); }
      }
      return s;
    });
    return r;
  }

  // The weekly answer in the same shape (no calendar, or a clock before the build).
  function weeklyAnswer(ladder, date) {
    var tz = ladder.timezone, w = answering(ladder, date);
    return {
      dated: false, ended: null, when: weekLabel(w.minute) + " " + tzName(tz), minute: w.minute, first: w.first, next: w.next,
      levels: w.levels.map(function (s) {
        return {
          open: s.open, callAt: s.callAt, note: null, duty: null, dutyNote: "",
          until: s.closesAt === null ? null : weekLabel(s.closesAt),
          untilIn: s.closesAt === null ? null : ((s.closesAt - w.minute + WEEK) % WEEK || WEEK),
          opens: s.opensAt === null ? null : weekLabel(s.opensAt), opensIn: s.open ? null : s.opensIn
        };
      })
    };
  }

  // Minutes from now until someone else answers first (the answering level
  // closes or its person hands off, or an earlier level opens); null: not
  // within the data (or the week).
  function minutesUntilChange(r) {
    var best = null;
    function take(d) { if (d !== null && d !== undefined && d > 0 && (best === null || d < best)) best = d; }
    r.levels.forEach(function (s, i) {
      if (r.first < 0 || i < r.first) { if (!s.open) take(s.opensIn); }
      else if (i === r.first) {
        take(s.untilIn);
        if (s.duty && s.callAt) take(s.duty.until - Math.floor(s.callAt.getTime() / MINUTE));
      }
    });
    return best;
  }

  // ------------------------------------------------------------- call cards

  function node(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function hidden(text) { return node("span", "vh", text); }

  // The first dialable contact of a level: { name, link (a cloned tel: link) }.
  function firstPhone(li) {
    var contacts = li.querySelectorAll(".ct");
    for (var i = 0; i < contacts.length; i++) {
      var call = contacts[i].querySelector("a.call");
      if (call) return { name: contacts[i].querySelector(".cn").textContent, link: call.cloneNode(true) };
    }
    var first = contacts[0];
    return { name: first ? first.querySelector(".cn").textContent : "", link: null };
  }

  function partyName(li) {
    var p = li.querySelector(".party");
    return p ? p.textContent : "";
  }

  // "Lakeview NOC" (the contact names its party) or "NOC, Bright MSP".
  function whoToCall(li, phone) {
    var party = partyName(li), first = party.split(/\s+/)[0];
    if (!phone.name) return party;
    return phone.name.indexOf(first) >= 0 ? phone.name : phone.name + ", " + party;
  }

  function setState(li, cls, text) {
    var state = li.querySelector(".level-state"), head = li.querySelector(".lh");
    li.setAttribute("data-state", cls);
    if (!state && head) state = head.appendChild(node("span", "level-state"));
    if (!state) return;
    state.textContent = "";
    if (!text) return;
    state.appendChild(hidden(", "));
    state.appendChild(node("span", "state-" + cls, text));
  }

  function tzName(tz) {
    return tz.split("/").pop().replace(/_/g, " ") + " time";
  }

  // Each level's state in the ladder: answers now (until when, who is on duty),
  // also answering (called at), or closed (why, and when it opens).
  function markLevels(ladder, r, tz) {
    ladder.levels.forEach(function (l, i) {
      var s = r.levels[i], li = l.element;
      li.removeAttribute("data-now");
      if (!s) { setState(li, "", ""); return; }
      var shown = dutyShown(li, s.duty);
      var duty = shown ? ", " + shown.name + (s.dutyNote ? " (" + s.dutyNote + ")" : "") : "";
      if (i === r.first) {
        li.setAttribute("data-now", "true");
        setState(li, "now", "answers now" + (s.until === null ? "" : ", until " + s.until) + duty);
      } else if (s.open) {
        setState(li, "open", "also answering, call at " + clock(s.callAt, tz) + " if nobody has answered" + duty);
      } else {
        setState(li, "closed", (s.note ? s.note + ", " : "") + (s.opens === null ? "closed" : "closed now, opens " + s.opens));
      }
    });
  }

  // "Christmas Day — Acme Internal IT closed": why the levels skipped now are closed.
  function closedNotes(r) {
    var seen = {};
    return r.levels.filter(function (s, i) {
      if (!s.note || seen[s.note] || (r.first >= 0 && i > r.first)) return false;
      seen[s.note] = true;
      return true;
    }).map(function (s) { return s.note; });
  }

  // The person on duty as the card lists a contact: name, covering or rotation
  // note, and the tel:/mailto: links.
  function dutyContacts(duty, note) {
    var ul = node("ul", "contacts"), li = node("li"), c = node("span", "ct");
    ul.setAttribute("role", "list");
    c.appendChild(node("span", "cn", duty.name));
    if (note) c.appendChild(node("span", "duty-note", " (" + note + ")"));
    var phone = dutyPhone(duty);
    if (phone && phone.link) { c.appendChild(document.createTextNode(" ")); c.appendChild(phone.link); }
    if (duty.email) {
      var m = node("a", "mail", duty.email);
      m.href = "mailto:" + duty.email;
      c.appendChild(document.createTextNode(" "));
      c.appendChild(m);
    }
    li.appendChild(c);
    ul.appendChild(li);
    return ul;
  }

  // The person on duty when the page's ladder does not already say it: a cover,
  // a rotation's holder, anyone not listed on the level; else null.
  function dutyShown(li, duty) {
    if (!duty || !duty.name) return null;
    if (duty.coveringFor || duty.rotation) return duty;
    var listed = Array.prototype.some.call(li.querySelectorAll(".cn"), function (n) { return n.textContent === duty.name; });
    return listed ? null : duty;
  }

  // { name, link } like firstPhone, for a person on duty; null: none named.
  function dutyPhone(duty) {
    if (!duty || !duty.name) return null;
    var link = null;
    if (duty.phone && duty.tel) {
      link = node("a", "call", duty.phone);
      link.href = "tel:" + duty.tel;
    }
    return { name: duty.name, link: link };
  }

  function renderCard(card, section, now) {
    var ladder = ladderFrom(section);
    if (!ladder.timezone || !ladder.levels.length) return;
    var tz = ladder.timezone, r;
    try { r = answerNow(ladder, now); } catch (e) { return; }
    var total = ladder.levels.length;
    markLevels(ladder, r, tz);

    card.textContent = "";
    var when = node("p", "call-when");
    when.appendChild(node("span", "call-when-label", "Now: "));
    when.appendChild(document.createTextNode(r.when));
    if (r.ended) {
      card.setAttribute("data-answering", "");
      var ended = node("p", "call-head");
      ended.appendChild(node("span", "call-label call-none", "Calendar data ends " + r.ended + ": rebuild the site"));
      card.appendChild(ended);
      card.appendChild(node("p", "call-next", "The ladder below lists each level's weekly hours; holidays, absences and rotations after " + r.ended + " are not known to this copy."));
    } else if (r.first >= 0) {
      var li = ladder.levels[r.first].element, s = r.levels[r.first];
      card.setAttribute("data-answering", String(r.first + 1));
      var head = node("p", "call-head");
      head.appendChild(node("span", "call-label", "Call now"));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(node("span", "call-level", "Level " + (r.first + 1) + " of " + total));
      card.appendChild(head);
      var who = node("p", "call-party");
      var party = li.querySelector(".party");
      who.appendChild(party ? party.cloneNode(true) : node("span", null, partyName(li)));
      card.appendChild(who);
      closedNotes(r).forEach(function (text) { card.appendChild(node("p", "call-closed", text)); });
      var contacts = li.querySelector(".contacts");
      if (dutyShown(li, s.duty)) {
        card.appendChild(dutyContacts(s.duty, s.dutyNote));
      } else if (contacts) {
        var copy = contacts.cloneNode(true);
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll(".copy-button"), function (b) { b.remove(); });
        card.appendChild(copy);
      }
      var meta = [];
      meta.push(s.until === null ? "answers around the clock" : "answers until " + s.until);
      // The level's own "Responds within" term (`data-respond` in older templates).
      var rw = li.querySelector(".rw > dd"), respond = rw ? rw.textContent : li.getAttribute("data-respond");
      if (respond) meta.push("responds within " + respond);
      card.appendChild(node("p", "call-meta", meta.join(" · ")));
      if (r.next >= 0) {
        var nli = ladder.levels[r.next].element, ns = r.levels[r.next], phone = dutyPhone(dutyShown(nli, ns.duty)) || firstPhone(nli);
        var next = node("p", "call-next"), say = node("span", "call-say");
        next.setAttribute("data-deadline", clock(ns.callAt, tz));
        say.appendChild(document.createTextNode("No answer by "));
        say.appendChild(node("strong", "call-deadline", clock(ns.callAt, tz)));
        say.appendChild(document.createTextNode(" → " + whoToCall(nli, phone) + " "));
        next.appendChild(say);
        if (phone.link) next.appendChild(phone.link);
        card.appendChild(next);
      } else {
        card.appendChild(node("p", "call-next", "No other level answers now: keep trying this one."));
      }
    } else {
      card.setAttribute("data-answering", "0");
      var soonest = -1;
      r.levels.forEach(function (s, i) {
        if (s.opensIn !== null && s.opensIn !== undefined && (soonest < 0 || s.opensIn < r.levels[soonest].opensIn)) soonest = i;
      });
      var head2 = node("p", "call-head");
      head2.appendChild(node("span", "call-label call-none", "Nobody answers now"));
      card.appendChild(head2);
      closedNotes(r).forEach(function (text) { card.appendChild(node("p", "call-closed", text)); });
      if (soonest >= 0) {
        var oli = ladder.levels[soonest].element, ophone = firstPhone(oli);
        var opens = node("p", "call-next"), osay = node("span", "call-say");
        opens.setAttribute("data-deadline", r.levels[soonest].opens);
        osay.appendChild(document.createTextNode("Until "));
        osay.appendChild(node("strong", "call-deadline", r.levels[soonest].opens));
        osay.appendChild(document.createTextNode(": then level " + (soonest + 1) + ", " + partyName(oli) +
          (ophone.name && whoToCall(oli, ophone) !== ophone.name ? ", " + ophone.name : "") + " "));
        opens.appendChild(osay);
        if (ophone.link) opens.appendChild(ophone.link);
        card.appendChild(opens);
      }
      var guide = card.getAttribute("data-guide");
      if (guide) {
        var p = node("p", "call-guide");
        var a = node("a", null, card.getAttribute("data-guide-title") || "How to escalate");
        a.href = guide;
        p.appendChild(document.createTextNode("Urgent? "));
        p.appendChild(a);
        p.appendChild(document.createTextNode(" says what to do meanwhile."));
        card.appendChild(p);
      }
    }
    card.appendChild(when);
    card.hidden = false;
  }

  var NARROW = "(max-width: 40rem)";

  function callCards(now, first) {
    document.querySelectorAll(".call-card").forEach(function (card) {
      // The ladder it names (a system page's card, above it), else the one it is in.
      var id = card.getAttribute("data-ladder");
      var section = id ? document.getElementById(id) : card.closest("section.ladder");
      if (!section) return;
      card.setAttribute("role", "region");
      // A card inside its ladder has no label in the page: it is named after the
      // ladder's heading ("Whom to call: Firewall" → "Whom to call now: Firewall").
      if (!card.hasAttribute("aria-label")) {
        var h = section.querySelector("h2"), t = h ? h.textContent : "", colon = t.indexOf(": ");
        card.setAttribute("aria-label", "Whom to call now" + (colon >= 0 ? t.slice(colon) : ""));
      }
      renderCard(card, section, now);
      // On a phone the card says whom to call; the full ladder folds under it.
      if (first && !card.hidden && window.matchMedia && window.matchMedia(NARROW).matches) {
        var fold = section.querySelector("details.ladder-fold");
        if (fold) fold.open = false;
      }
    });
  }

  // ------------------------------------------------------------- print roster
  // Paper has no clock: a printed ladder carries who answers first over the 14
  // days from the print date instead of one "now" (shown only in print).

  // Stretches of [from, to) with the same first level and person: [{start, end, first, duty}].
  function rosterRows(levels, from, to) {
    var cuts = [from, to];
    levels.forEach(function (l) {
      l.timeline.open.forEach(function (s) {
        if (s.start > from && s.start < to) cuts.push(s.start);
        if (s.end > from && s.end < to) cuts.push(s.end);
      });
    });
    cuts.sort(function (a, b) { return a - b; });
    var rows = [];
    for (var i = 0; i + 1 < cuts.length; i++) {
      if (cuts[i] === cuts[i + 1]) continue;
      var a = answeringAt(levels, cuts[i]);
      var duty = a.first === null ? null : a.duty[a.first];
      var last = rows[rows.length - 1], name = duty && duty.name;
      if (last && last.first === a.first && (last.duty && last.duty.name) === name) last.end = cuts[i + 1];
      else rows.push({ start: cuts[i], end: cuts[i + 1], first: a.first, duty: duty });
    }
    return rows;
  }

  function printRoster(section, now) {
    var cal = calendar(), ladder = ladderFrom(section);
    var old = section.querySelector(".roster");
    if (old) old.remove();
    if (!cal || !ladder.levels.length || !ladder.levels.every(function (l) { return l.key && cal.levels[l.key] !== undefined; })) return;
    var tz = ladder.timezone, from = Math.max(Math.floor(now.getTime() / MINUTE), cal.start);
    var to = Math.min(from + 14 * 1440, cal.end);
    var box = node("div", "roster");
    box.appendChild(node("p", "roster-head", "Who answers first, 14 days from " + dateLine(new Date(from * MINUTE), tz) +
      (to < from + 14 * 1440 ? " (calendar data ends " + cal.endDate + ": rebuild the site)" : "")));
    if (from >= to) { section.appendChild(box); return; }
    var levels = ladder.levels.map(function (l) { return { timeline: cal.timelines[cal.levels[l.key]], after: l.after }; });
    var table = node("table"), body = node("tbody");
    rosterRows(levels, from, to).forEach(function (row) {
      var tr = node("tr");
      var w = wall(new Date(row.start * MINUTE), tz), e = wall(new Date(row.end * MINUTE), tz);
      tr.appendChild(node("td", "date", w.weekday + " " + w.day + " " + w.month + " " + w.time + " – " +
        (e.day === w.day && e.month === w.month ? "" : e.weekday + " " + e.day + " " + e.month + " ") + e.time));
      var who;
      if (row.first === null) who = "nobody answers";
      else {
        var li = ladder.levels[row.first].element, phone = dutyPhone(dutyShown(li, row.duty)) || firstPhone(li);
        who = "level " + (row.first + 1) + ", " + partyName(li) + (phone.name ? ", " + phone.name : "") +
          (phone.link ? " " + phone.link.textContent : "");
      }
      tr.appendChild(node("td", row.first === null ? "gap" : null, who));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
    section.appendChild(box);
  }

  function printRosters(now) {
    document.querySelectorAll("section.ladder[data-timezone]").forEach(function (section) {
      try { printRoster(section, now); } catch (e) { /* the ladder prints whole anyway */ }
    });
  }

  // ------------------------------------------------------------- review queue

  function reviewQueue(now) {
    var table = document.getElementById("review-queue");
    if (!table) return;
    var tz = table.getAttribute("data-timezone");
    var today;
    try { today = isoDate(now, tz); } catch (e) { return; }
    var todayMs = Date.parse(today + "T00:00:00Z");
    var counts = { overdue: 0, soon: 0, later: 0 };
    var bodies = { overdue: document.getElementById("review-overdue"), soon: document.getElementById("review-soon"), later: document.getElementById("review-later") };
    var rows = Array.prototype.slice.call(table.ownerDocument.querySelectorAll("tr[data-due]"));
    rows.forEach(function (tr) {
      var due = tr.getAttribute("data-due"), status = tr.querySelector(".review-status"), group;
      if (!due) { group = "overdue"; }
      else {
        var days = Math.round((Date.parse(due + "T00:00:00Z") - todayMs) / 86400000);
        // A non-breaking space keeps "12 days" on one line; the status may wrap after it.
        if (days < 0) { group = "overdue"; status.textContent = -days + (days === -1 ? "\u00a0day" : "\u00a0days") + " overdue"; }
        else if (days <= 60) { group = "soon"; status.textContent = days === 0 ? "due today" : "due in " + days + (days === 1 ? "\u00a0day" : "\u00a0days"); }
        else { group = "later"; status.textContent = "not due yet"; }
      }
      tr.setAttribute("data-group", group);
      counts[group]++;
      if (bodies[group] && tr.parentNode !== bodies[group]) bodies[group].appendChild(tr);
    });
    // Worst first within each group: never reviewed, then the earliest due.
    Object.keys(bodies).forEach(function (g) {
      var body = bodies[g];
      if (!body) return;
      var list = Array.prototype.slice.call(body.querySelectorAll("tr[data-due]"));
      list.sort(function (a, b) {
        var x = a.getAttribute("data-due") || "0", y = b.getAttribute("data-due") || "0";
        return x < y ? -1 : x > y ? 1 : 0;
      });
      list.forEach(function (tr) { body.appendChild(tr); });
      var box = document.getElementById(body.id + "-box");
      if (box) box.hidden = list.length === 0;
      var n = document.getElementById(body.id + "-count");
      if (n) n.textContent = String(list.length);
    });
    var asOf = document.getElementById("review-as-of");
    if (asOf) asOf.textContent = today;
    var summary = document.getElementById("review-summary");
    if (summary) {
      summary.textContent = counts.overdue === 0
        ? "every runbook is within its review interval; " + counts.soon + " come" + (counts.soon === 1 ? "s" : "") + " due in the next 60 days."
        : counts.overdue + " runbook" + (counts.overdue === 1 ? " is" : "s are") + " past review or never reviewed; " +
          counts.soon + " more come" + (counts.soon === 1 ? "s" : "") + " due in the next 60 days.";
    }
  }

  // ------------------------------------------------------------- matrix filter

  function matrixFilter() {
    var form = document.getElementById("matrix-filter");
    var table = document.getElementById("matrix");
    if (!form || !table) return;
    form.hidden = false;
    function apply() {
      var party = form.elements.party.value, letter = form.elements.letter.value;
      table.querySelectorAll(".raci-cell").forEach(function (c) {
        var show = (!party || c.getAttribute("data-party") === party) &&
          (!letter || (c.getAttribute("data-letters") || "").indexOf(letter) >= 0);
        c.hidden = !show;
      });
      table.classList.toggle("filtered", !!(party || letter));
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    apply();
  }

  // ------------------------------------------------------------- copy buttons

  function copyText(text, done) {
    function fallback() {
      var t = node("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.className = "vh";
      document.body.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      t.remove();
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else fallback();
  }

  function copyButton(label, text) {
    var b = node("button", "copy-button", "Copy");
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function () {
      copyText(typeof text === "function" ? text() : text, function (ok) {
        b.textContent = ok ? "Copied" : "Copy failed";
        setTimeout(function () { b.textContent = "Copy"; }, 1600);
      });
    });
    return b;
  }

  function copyButtons() {
    document.querySelectorAll("main a.call").forEach(function (a) {
      if (a.closest(".call-card") || (a.nextElementSibling && a.nextElementSibling.classList.contains("copy-button"))) return;
      a.insertAdjacentElement("afterend", copyButton("Copy " + a.textContent, a.textContent));
    });
    // A fact the caller is asked for (circuit ID, account), unless `copy: false`.
    document.querySelectorAll("main .fact-value[data-copy]").forEach(function (v) {
      if (v.nextElementSibling && v.nextElementSibling.classList.contains("copy-button")) return;
      var dt = v.closest("div") && v.closest("div").querySelector("dt");
      v.insertAdjacentElement("afterend", copyButton("Copy " + (dt ? dt.textContent : v.textContent), v.textContent));
    });
    document.querySelectorAll(".prose pre").forEach(function (pre) {
      if (pre.parentNode.classList.contains("code-wrap")) return;
      // A code block that scrolls sideways must be reachable by keyboard.
      pre.tabIndex = 0;
      var wrap = node("div", "code-wrap");
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(copyButton("Copy code", function () { return pre.textContent; }));
    });
  }

  // ------------------------------------------------------------- print

  function printMeta() {
    var url = document.querySelector(".print-url");
    if (url && /^https?:/.test(window.location.protocol)) url.textContent = window.location.href.split("#")[0];
    // Paper gets everything folded on screen: ladders, the later reviews.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("main details").forEach(function (d) { d.open = true; });
      printRosters(new Date());
    });
  }

  // The 404 page offers a search for the words of the missing path.
  function notFoundQuery() {
    var box = document.getElementById("not-found-q");
    if (!box || box.value) return;
    var last = window.location.pathname.split("/").filter(function (w) { return w && !/^index\.html?$/.test(w); }).pop() || "";
    try { last = decodeURIComponent(last); } catch (e) { /* keep it as written */ }
    box.value = last.replace(/\.html?$/, "").replace(/[-_.+]+/g, " ").trim();
  }

  function everyMinute() {
    var now = new Date();
    callCards(now, false);
    reviewQueue(now);
  }

  function start() {
    var now = new Date();
    copyButtons();
    callCards(now, true);
    printRosters(now);
    reviewQueue(now);
    matrixFilter();
    notFoundQuery();
    printMeta();
    document.documentElement.classList.add("js");
    // Keep the cards true on a page left open through a shift change.
    setInterval(everyMinute, 60000);
  }

  window.cairn = {
    answering: answering,
    answeringAt: answeringAt,
    answerNow: answerNow,
    minutesUntilChange: minutesUntilChange,
    aheadLabel: aheadLabel,
    dateLine: dateLine,
    calendar: calendar,
    ladderFrom: ladderFrom,
    minuteOfWeek: minuteOfWeek,
    weekLabel: weekLabel,
    clock: clock,
    isoDate: isoDate,
    refresh: everyMinute
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
