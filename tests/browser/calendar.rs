//! The dated calendar (issue 23) in the browser: the call card's "now" line
//! with its date, a page read past the calendar data, the JavaScript twin of
//! `answering` against the cases Rust passes, in both audiences, with a faked clock.

use crate::cdp::{Tab, TabOptions};
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use std::path::Path;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "calendar_twin_passes_the_shared_cases",
            calendar_twin_passes_the_shared_cases,
        ),
        (
            "calendar_now_line_shows_the_date_and_zone",
            calendar_now_line_shows_the_date_and_zone,
        ),
        (
            "calendar_dst_nights_time_the_next_level_by_the_real_clock",
            calendar_dst_nights_time_the_next_level_by_the_real_clock,
        ),
        (
            "calendar_past_its_end_says_rebuild_instead_of_guessing",
            calendar_past_its_end_says_rebuild_instead_of_guessing,
        ),
        (
            "calendar_print_shows_a_14_day_roster_instead_of_now",
            calendar_print_shows_a_14_day_roster_instead_of_now,
        ),
        (
            "calendar_christmas_names_the_holiday_and_calls_the_next_level",
            calendar_christmas_names_the_holiday_and_calls_the_next_level,
        ),
        (
            "calendar_vacation_day_calls_the_cover",
            calendar_vacation_day_calls_the_cover,
        ),
        (
            "calendar_rotation_hands_off_at_monday_09_00",
            calendar_rotation_hands_off_at_monday_09_00,
        ),
    ]
}

pub(crate) fn tab_at<'b>(
    b: &'b Browser,
    out: &Path,
    page: &str,
    now: &str,
) -> Result<Tab<'b>, String> {
    let mut tab = b.chrome().tab(&TabOptions {
        now: Some(now.into()),
        ..TabOptions::default()
    })?;
    tab.goto(&file_url(out, page))?;
    tab.wait_for(
        "document.querySelector('.call-card:not([hidden]), .now-answer:not([hidden])')",
        Duration::from_secs(5),
    )?;
    Ok(tab)
}

/// A card's text with its whitespace collapsed.
pub(crate) fn text(tab: &mut Tab, selector: &str) -> Result<String, String> {
    let v = tab.eval(&format!(
        "(document.querySelector({selector:?}) || {{}}).textContent || ''"
    ))?;
    Ok(v.as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}

/// `cairn.answeringAt` over every case of tests/fixtures/calendar-cases.json,
/// the table the Rust `answering` passes too.
fn calendar_twin_passes_the_shared_cases(b: &Browser, f: &Fixture) -> Result<(), String> {
    let cases = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar-cases.json"),
    )
    .map_err(|e| e.to_string())?;
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&file_url(&f.out, "systems/m365/index.html"))?;
    tab.wait_for(
        "window.cairn && window.cairn.answeringAt",
        Duration::from_secs(5),
    )?;
    let failures = tab.eval(&format!(
        r#"(() => {{
  const table = {cases};
  const out = [];
  table.cases.forEach((c) => {{
    const levels = c.levels.map((l) => ({{ after: l.after, timeline: {{ open: l.open.map((s) => ({{ start: s[0], end: s[1], duty: s.length > 2 ? {{ name: s[2] }} : null }})), closures: [] }} }}));
    const r = window.cairn.answeringAt(levels, c.at);
    const got = {{ first: r.first, call_at: r.callAt, duty: r.duty.map((d) => d ? d.name : null) }};
    const want = {{ first: c.first, call_at: c.call_at, duty: c.duty }};
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(c.name + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
  }});
  return [table.cases.length, out];
}})()"#
    ))?;
    let count = failures[0].as_u64().unwrap_or(0);
    ensure(count >= 10, || format!("the table has {count} cases"))?;
    ensure(failures[1].as_array().is_some_and(Vec::is_empty), || {
        format!(
            "the JS twin disagrees with the shared cases: {:#}",
            failures[1]
        )
    })
}

/// The card's now line reads "Now: Sat 28 Nov 2026, 02:00 EST" (the date, not
/// the weekday alone), on the system page, a runbook and the now board, in both
/// audiences; summer time says EDT.
fn calendar_now_line_shows_the_date_and_zone(b: &Browser, f: &Fixture) -> Result<(), String> {
    for out in [f.out.as_path(), f.internal()] {
        for (now, want) in [
            (
                "2026-11-28T02:00:00-05:00",
                "Now: Sat 28 Nov 2026, 02:00 EST",
            ),
            (
                "2027-06-01T12:00:00-04:00",
                "Now: Tue 1 Jun 2027, 12:00 EDT",
            ),
        ] {
            for page in [
                "systems/firewall/index.html",
                "runbooks/network/vpn-down/index.html",
            ] {
                let mut tab = tab_at(b, out, page, now)?;
                let got = text(&mut tab, "#call-firewall .call-when")?;
                ensure(got == want, || {
                    format!(
                        "{}: {page} at {now}: want {want:?}, got {got:?}",
                        out.display()
                    )
                })?;
            }
            let mut tab = tab_at(b, out, "now/index.html", now)?;
            let clock = text(&mut tab, "#now-clock")?;
            let want = want.replace("Now: ", "It is ");
            ensure(clock.starts_with(&want), || {
                format!("now board at {now}: want {want:?}, got {clock:?}")
            })?;
        }
    }
    Ok(())
}

/// Thirty minutes after 01:50 on the night clocks spring forward (14 Mar 2027)
/// is 03:20; on the night they fall back (7 Nov 2027, 01:50 EDT) it is 01:20 EST;
/// the now line names the zone in force.
fn calendar_dst_nights_time_the_next_level_by_the_real_clock(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    for out in [f.out.as_path(), f.internal()] {
        for (now, deadline, line) in [
            (
                "2027-03-14T01:50:00-05:00",
                "03:20",
                "Now: Sun 14 Mar 2027, 01:50 EST",
            ),
            (
                "2027-03-14T03:10:00-04:00",
                "03:40",
                "Now: Sun 14 Mar 2027, 03:10 EDT",
            ),
            (
                "2027-11-07T01:50:00-04:00",
                "01:20",
                "Now: Sun 7 Nov 2027, 01:50 EDT",
            ),
            (
                "2027-11-07T01:50:00-05:00",
                "02:20",
                "Now: Sun 7 Nov 2027, 01:50 EST",
            ),
        ] {
            let mut tab = tab_at(b, out, "systems/firewall/index.html", now)?;
            let got = tab.eval(
                "[document.querySelector('#call-firewall').getAttribute('data-answering'), (document.querySelector('#call-firewall .call-next') || {}).getAttribute('data-deadline')]",
            )?;
            ensure(
                got[0].as_str() == Some("2") && got[1].as_str() == Some(deadline),
                || {
                    format!(
                        "at {now} the NOC answers and Lakeview is next at {deadline}; got {got}"
                    )
                },
            )?;
            let when = text(&mut tab, "#call-firewall .call-when")?;
            ensure(when == line, || {
                format!("at {now}: want {line:?}, got {when:?}")
            })?;
        }
    }
    Ok(())
}

/// A copy read after its calendar data ends says so and marks no level, rather
/// than guess from the weekly hours; the now board says it once per system.
fn calendar_past_its_end_says_rebuild_instead_of_guessing(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let end = calendar_end_date(&f.out)?;
    let now = "2028-02-01T10:00:00-05:00";
    let want = format!("Calendar data ends {end}: rebuild the site");
    for out in [f.out.as_path(), f.internal()] {
        let mut tab = tab_at(b, out, "systems/m365/index.html", now)?;
        let card = text(&mut tab, "#call-m365")?;
        ensure(card.contains(&want) && !card.contains("Call now"), || {
            format!("past the data the card should say {want:?} and call nobody; got {card:?}")
        })?;
        let marked = tab.eval("document.querySelectorAll('.level[data-now]').length")?;
        ensure(marked.as_u64() == Some(0), || {
            format!("no level should be marked answering; {marked} are")
        })?;
        let mut tab = tab_at(b, out, "now/index.html", now)?;
        let row = text(&mut tab, "#now-m365 .now-answer")?;
        ensure(row.contains(&want), || format!("now board row: {row:?}"))?;
    }
    Ok(())
}

/// The `endDate` the build wrote into `assets/calendar.js`.
fn calendar_end_date(out: &Path) -> Result<String, String> {
    let js = std::fs::read_to_string(out.join("assets/calendar.js")).map_err(|e| e.to_string())?;
    let at = js
        .find("\"endDate\":\"")
        .ok_or("no endDate in calendar.js")?
        + 11;
    Ok(js[at..at + 10].to_string())
}

/// Printed, a ladder carries who answers first over the 14 days from the print
/// date (paper has no clock); on screen the roster is not shown.
fn calendar_print_shows_a_14_day_roster_instead_of_now(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let now = "2026-11-28T02:00:00-05:00";
    let read = r#"(() => { const r = document.querySelector('#ladder-firewall .roster'); if (!r) return null;
      return [getComputedStyle(r).display, r.querySelector('.roster-head').textContent,
        Array.from(r.querySelectorAll('tr')).map(tr => tr.textContent)]; })()"#;
    for print in [true, false] {
        let mut tab = b.chrome().tab(&TabOptions {
            now: Some(now.into()),
            print,
            ..TabOptions::default()
        })?;
        tab.goto(&file_url(&f.out, "runbooks/network/vpn-down/index.html"))?;
        tab.wait_for(
            "document.querySelector('#ladder-firewall .roster')",
            Duration::from_secs(5),
        )?;
        let v = tab.eval(read)?;
        let shown = v[0].as_str().unwrap_or_default();
        if !print {
            ensure(shown == "none", || {
                format!("on screen the roster is hidden; {v}")
            })?;
            continue;
        }
        ensure(shown == "block", || {
            format!("printed, the roster shows; {v}")
        })?;
        ensure(
            v[1].as_str() == Some("Who answers first, 14 days from Sat 28 Nov 2026, 02:00 EST"),
            || format!("roster heading: {}", v[1]),
        )?;
        let rows: Vec<&str> = v[2]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
            .unwrap_or_default();
        // Saturday night to Monday morning the NOC, then Acme's business hours.
        ensure(
            rows.first().is_some_and(|r| {
                r.starts_with("Sat 28 Nov 02:00 – Mon 30 Nov 08:00")
                    && r.contains("level 2, Bright MSP")
            }) && rows.get(1).is_some_and(|r| {
                r.starts_with("Mon 30 Nov 08:00 – 18:00") && r.contains("level 1")
            }),
            || format!("roster rows: {rows:#?}"),
        )?;
        // Two weeks: it ends on Sat 12 Dec, 02:00.
        ensure(
            rows.last().is_some_and(|r| r.contains("Sat 12 Dec 02:00")),
            || format!("the roster should end 14 days on: {rows:#?}"),
        )?;
    }
    Ok(())
}

/// Christmas Day 10:00 on the calendar fixture: the office (level 1) is closed
/// by the US holiday ICS, the card says so by name and calls the NOC; the now
/// board says the same; both audiences.
fn calendar_christmas_names_the_holiday_and_calls_the_next_level(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let (client, internal) = f.calendar();
    let now = "2026-12-25T10:00:00-05:00";
    for out in [client, internal] {
        let mut tab = tab_at(b, out, "systems/m365/index.html", now)?;
        let card = text(&mut tab, "#call-m365")?;
        let answering =
            tab.eval("document.getElementById('call-m365').getAttribute('data-answering')")?;
        ensure(
            answering.as_str() == Some("2")
                && card.contains("Christmas Day — Acme Internal IT closed")
                && card.contains("+1 555 0142")
                && card.contains("Now: Fri 25 Dec 2026, 10:00 EST"),
            || {
                format!(
                    "{}: Christmas: the NOC, the holiday named; got {answering} {card:?}",
                    out.display()
                )
            },
        )?;
        let level1 = text(&mut tab, "#ladder-m365-1 .level-state")?;
        ensure(
            level1.contains("Christmas Day — Acme Internal IT closed")
                && level1.contains("opens Mon 08:00"),
            || format!("level 1 state: {level1:?}"),
        )?;
        let mut tab = tab_at(b, out, "now/index.html", now)?;
        let row = text(&mut tab, "#now-m365 .now-answer")?;
        ensure(
            row.contains("level 2") && row.contains("Christmas Day — Acme Internal IT closed"),
            || format!("now board: {row:?}"),
        )?;
        let coming = text(&mut tab, "#now-coming")?;
        ensure(
            coming.contains("Fri 25 Dec: Christmas Day")
                && coming.contains("Fri 1 Jan: New Year's Day"),
            || format!("coming up: {coming:?}"),
        )?;
    }
    Ok(())
}

/// Tuesday 22 Dec 10:00: Marcus is on vacation and Dana covers. The internal
/// card says "covering for Marcus Lee until Mon 4 Jan" and lists the absence on
/// the now board; the client card calls Dana with no word of anyone's absence.
fn calendar_vacation_day_calls_the_cover(b: &Browser, f: &Fixture) -> Result<(), String> {
    let (client, internal) = f.calendar();
    let now = "2026-12-22T10:00:00-05:00";
    for (out, internal_build) in [(client, false), (internal, true)] {
        let mut tab = tab_at(b, out, "systems/m365/index.html", now)?;
        let c = tab.eval("[document.getElementById('call-m365').getAttribute('data-answering'), (document.querySelector('#call-m365 .contacts a[href^=\"tel:\"]') || {}).getAttribute('href')]")?;
        let card = text(&mut tab, "#call-m365")?;
        ensure(
            c[0].as_str() == Some("1")
                && c[1].as_str() == Some("tel:+15550100")
                && card.contains("Dana Ruiz"),
            || format!("{}: Dana answers level 1; got {c} {card:?}", out.display()),
        )?;
        let covering = card.contains("covering for Marcus Lee until Mon 4 Jan");
        ensure(covering == internal_build, || {
            format!(
                "{}: the covering note is for internal builds only: {card:?}",
                out.display()
            )
        })?;
        let mut tab = tab_at(b, out, "now/index.html", now)?;
        let coming = text(&mut tab, "#now-coming")?;
        let away = coming.contains("Marcus Lee away, Dana Ruiz covers");
        ensure(away == internal_build, || {
            format!(
                "{}: absences are listed in internal builds only: {coming:?}",
                out.display()
            )
        })?;
    }
    Ok(())
}

/// Bright's on-call rotation hands off every Monday 09:00 (Jo Kim from 2 Nov,
/// then weekly): on Mon 30 Nov at 08:59 Lee Wu holds it until 09:00, then Jo Kim;
/// at 09:00 Jo Kim until Mon 7 Dec 09:00. A client build names only the level's
/// client contact, the same at both minutes.
fn calendar_rotation_hands_off_at_monday_09_00(b: &Browser, f: &Fixture) -> Result<(), String> {
    let (client, internal) = f.calendar();
    for (now, want) in [
        (
            "2026-11-30T08:59:00-05:00",
            "Lee Wu (on-call: on duty until Mon 09:00, then Jo Kim)",
        ),
        (
            "2026-11-30T09:00:00-05:00",
            "Jo Kim (on-call: on duty until Mon 7 Dec 09:00, then Lee Wu)",
        ),
    ] {
        let mut tab = tab_at(b, internal, "systems/backup/index.html", now)?;
        let card = text(&mut tab, "#call-backup")?;
        ensure(card.contains(want), || {
            format!("internal at {now}: want {want:?} in {card:?}")
        })?;
        let mut tab = tab_at(b, client, "systems/backup/index.html", now)?;
        let card = text(&mut tab, "#call-backup")?;
        ensure(
            card.contains("+1 555 0142") && !card.contains("Jo Kim") && !card.contains("Lee Wu"),
            || format!("client at {now}: the NOC, no internal names: {card:?}"),
        )?;
    }
    // A later level's person is whoever is on duty when it would be called: at
    // 08:59 m365's level 3 (on-call, 4h30 after level 1) is called at 13:29, in Jo's week.
    let mut tab = tab_at(
        b,
        internal,
        "systems/m365/index.html",
        "2026-11-30T08:59:00-05:00",
    )?;
    let level3 = text(&mut tab, "#ladder-m365-3 .level-state")?;
    ensure(
        level3.contains("call at 13:29") && level3.contains("Jo Kim"),
        || format!("m365 level 3 at 08:59: {level3:?}"),
    )
}
