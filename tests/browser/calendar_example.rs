//! The dated calendar on the bundled example (issue 23 §10): its US holiday
//! ICS, Marcus's vacation and Bright's weekly rotation, read on the call card
//! with a faked clock, in the client and the internal build.

use crate::calendar::{tab_at, text};
use crate::{Browser, Fixture, TestFn, ensure};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "example_christmas_names_the_holiday_not_marcus",
            example_christmas_names_the_holiday_not_marcus,
        ),
        (
            "example_vacation_day_calls_dana_covering_for_marcus",
            example_vacation_day_calls_dana_covering_for_marcus,
        ),
        (
            "example_bright_rotation_hands_off_at_monday_09_00",
            example_bright_rotation_hands_off_at_monday_09_00,
        ),
    ]
}

/// Christmas Day 10:00 in New York: the office is closed by the ICS holiday,
/// so m365's card calls Bright's NOC, names the holiday and shows the date;
/// nobody is told to call Marcus. The practice-management ladder's holiday
/// cover answers in the office's place: Jo Kim (an override of Lee's week) in
/// the internal build, the NOC in the client build.
fn example_christmas_names_the_holiday_not_marcus(b: &Browser, f: &Fixture) -> Result<(), String> {
    let now = "2026-12-25T10:00:00-05:00";
    for (out, internal) in [(f.out.as_path(), false), (f.internal(), true)] {
        let mut tab = tab_at(b, out, "systems/m365/index.html", now)?;
        let answering =
            tab.eval("document.getElementById('call-m365').getAttribute('data-answering')")?;
        let card = text(&mut tab, "#call-m365")?;
        ensure(
            answering.as_str() == Some("2")
                && card.contains("Christmas Day — Acme Dental Internal IT closed")
                && card.contains("Now: Fri 25 Dec 2026, 10:00 EST")
                && card.contains("+1 555 0142")
                && !card.contains("+1 555 0101"),
            || {
                format!(
                    "{}: on Christmas the NOC answers, the holiday is named, Marcus is not called; got {answering} {card:?}",
                    out.display()
                )
            },
        )?;
        let mut tab = tab_at(b, out, "systems/practice-management/index.html", now)?;
        let answering = tab.eval(
            "document.getElementById('call-practice-management').getAttribute('data-answering')",
        )?;
        let card = text(&mut tab, "#call-practice-management")?;
        // Jo holds the override to Mon 28 Dec, then her own week until Lee's
        // New Year override starts on Thu 31 Dec, 09:00.
        let holder = card.contains("Jo Kim (on-call: on duty until Thu 09:00, then Lee Wu)");
        ensure(
            answering.as_str() == Some("2")
                && holder == internal
                && (internal
                    || (card.contains("+1 555 0142")
                        && !card.contains("Jo Kim")
                        && !card.contains("Lee Wu"))),
            || {
                format!(
                    "{}: Bright's holiday cover answers (Jo Kim internally, the NOC for clients); got {answering} {card:?}",
                    out.display()
                )
            },
        )?;
        let mut tab = tab_at(b, out, "now/index.html", "2026-12-20T10:00:00-05:00")?;
        let coming = text(&mut tab, "#now-coming")?;
        ensure(
            coming.contains("Thu 24 Dec: Christmas Eve")
                && coming.contains("Fri 25 Dec: Christmas Day"),
            || format!("{}: coming up: {coming:?}", out.display()),
        )?;
    }
    Ok(())
}

/// Tuesday 22 Dec 10:00: Marcus is on vacation (21 Dec – 3 Jan) and Dana covers.
/// Internally the card says "covering for Marcus Lee until Mon 4 Jan" and the
/// now board lists the absence; the client card calls Dana with no word of it.
fn example_vacation_day_calls_dana_covering_for_marcus(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let now = "2026-12-22T10:00:00-05:00";
    for (out, internal) in [(f.out.as_path(), false), (f.internal(), true)] {
        let mut tab = tab_at(b, out, "systems/firewall/index.html", now)?;
        let c = tab.eval("[document.getElementById('call-firewall').getAttribute('data-answering'), (document.querySelector('#call-firewall .contacts a[href^=\"tel:\"]') || {}).getAttribute('href')]")?;
        let card = text(&mut tab, "#call-firewall")?;
        ensure(
            c[0].as_str() == Some("1")
                && c[1].as_str() == Some("tel:+15550100")
                && card.contains("Dana Ruiz")
                && card.contains("Now: Tue 22 Dec 2026, 10:00 EST"),
            || format!("{}: Dana answers level 1; got {c} {card:?}", out.display()),
        )?;
        let covering = card.contains("covering for Marcus Lee until Mon 4 Jan");
        ensure(covering == internal, || {
            format!(
                "{}: the covering note is for internal builds only: {card:?}",
                out.display()
            )
        })?;
        let mut tab = tab_at(b, out, "now/index.html", "2026-12-15T10:00:00-05:00")?;
        let coming = text(&mut tab, "#now-coming")?;
        let away = coming.contains("Marcus Lee away, Dana Ruiz covers");
        ensure(away == internal, || {
            format!(
                "{}: absences are listed in internal builds only: {coming:?}",
                out.display()
            )
        })?;
    }
    Ok(())
}

/// Bright's on-call rotation (Jo Kim from Mon 2 Nov 09:00, then Lee Wu, weekly)
/// is the backup ladder's first level: on Mon 30 Nov at 08:59 Lee holds it,
/// at 09:00 Jo. The client build shows the NOC (the level's client_contact)
/// at both minutes and names neither engineer.
fn example_bright_rotation_hands_off_at_monday_09_00(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
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
        let mut tab = tab_at(b, f.internal(), "systems/backup/index.html", now)?;
        let card = text(&mut tab, "#call-backup")?;
        ensure(card.contains(want), || {
            format!("internal at {now}: want {want:?} in {card:?}")
        })?;
        let mut tab = tab_at(b, &f.out, "systems/backup/index.html", now)?;
        let card = text(&mut tab, "#call-backup")?;
        ensure(
            card.contains("+1 555 0142")
                && !card.contains("Jo Kim")
                && !card.contains("Lee Wu")
                && !card.contains("on duty until"),
            || format!("client at {now}: the NOC, no internal names, no handoff: {card:?}"),
        )?;
    }
    Ok(())
}
