//! The hard cases of SPEC "Calendar", each on a small site loaded through the
//! real loader.

use super::zone::to_utc;
use super::*;
use crate::check::testing::TestSite;
use crate::model::Audience;
use crate::site::Site;
use chrono::NaiveDateTime;

const CONFIG: &str = "title: T\ntimezone: America/New_York\nhours:\n  business: { days: mon-fri, from: \"08:00\", to: \"18:00\", closed_on: us }\n  always: 24x7\n  early: { days: mon-sun, from: \"02:30\", to: \"04:00\" }\n  late: { days: mon-sun, from: \"01:30\", to: \"03:00\" }\n  london: { days: mon-fri, from: \"09:00\", to: \"17:00\", timezone: Europe/London }\n  holiday-cover: { on: us, from: \"10:00\", to: \"14:00\" }\nholidays:\n  us:\n    - 2026-12-25: Christmas Day\n    - { from: 2026-12-31, to: 2027-01-01, name: New Year }\n    - { every: \"07-04\", name: Independence Day }\n";

const PARTIES: &str = "- id: it\n  name: Acme IT\n  kind: internal\n  hours: business\n  contacts:\n    - name: Dana\n    - name: Marcus\n    - name: Sam\n      left: 2026-10-01\n    - name: Helpdesk\n- id: msp\n  name: Bright\n  kind: provider\n  hours: always\n  contacts:\n    - name: NOC\n    - { name: Jo, audience: internal }\n    - { name: Lee, audience: internal }\n    - { name: Kim, audience: internal }\n  rotations:\n    on-call:\n      contacts: [Jo, Lee, Kim]\n      handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }\n      overrides:\n        - { from: \"2026-12-24 09:00\", to: \"2026-12-28 09:00\", contact: Kim }\n";

fn site(away: &str, system: &str) -> (TestSite, Site) {
    let t = TestSite::new();
    t.write("cairn.yaml", CONFIG);
    t.write("data/parties.yaml", PARTIES);
    t.write("data/away.yaml", away);
    t.write(
        "data/systems/s.yaml",
        &format!("id: s\nname: S\ntier: 1\nowner: it\nescalation:\n{system}"),
    );
    let s = t.load();
    (t, s)
}

fn ny(s: &str) -> Minute {
    to_utc(
        chrono_tz::America::New_York,
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
    )
}

fn utc(s: &str) -> Minute {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
        .timestamp()
        / 60
}

fn span() -> Span {
    Span::days_from(
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        400,
        chrono_tz::America::New_York,
    )
}

/// The duty name of the first level at `at`, as `audience` sees it.
fn who(site: &Site, at: &str, audience: Audience) -> Option<String> {
    let cal = Calendar::new(site, span());
    let system = &site.systems[0].system;
    let timelines = cal.ladder(system, audience);
    let levels: Vec<(&LevelTimeline, i64)> = timelines
        .iter()
        .zip(&system.escalation)
        .map(|(t, l)| (&**t, l.after.map_or(0, |a| a.minutes() as i64)))
        .collect();
    let at = ny(at);
    let answer = answering(&levels, at);
    let first = answer.first?;
    let stretch = answer.duty(&levels, first, at)?;
    Some(match &stretch.duty {
        None => format!("L{} party", first + 1),
        Some(d) => format!(
            "L{} {}{}",
            first + 1,
            d.name.as_deref().unwrap_or("-"),
            d.covering_for
                .as_ref()
                .map(|c| format!(" for {c}"))
                .unwrap_or_default()
        ),
    })
}

#[test]
fn a_holiday_closes_the_office_and_names_itself() {
    let (_t, site) = site("[]", "  - party: it\n    contact: Dana\n");
    assert_eq!(
        who(&site, "2026-12-24 10:00", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    assert_eq!(who(&site, "2026-12-25 10:00", Audience::Internal), None);
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Client);
    let c = t[0].closure_at(ny("2026-12-25 10:00")).unwrap();
    assert_eq!(c.reason, "Christmas Day — Acme IT closed");
    assert_eq!(
        (c.start, c.end),
        (ny("2026-12-25 08:00"), ny("2026-12-25 18:00"))
    );
    // A range closes each of its days; a yearly date every year.
    assert_eq!(who(&site, "2027-01-01 10:00", Audience::Internal), None);
    assert_eq!(
        who(&site, "2027-07-05 10:00", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    let holidays = cal.holidays();
    assert!(
        !holidays
            .iter()
            .any(|h| h.name == "Independence Day" && h.date.to_string() == "2027-07-05")
    );
    assert!(
        holidays
            .iter()
            .any(|h| h.name == "Independence Day" && h.date.to_string() == "2027-07-04")
    );
}

#[test]
fn an_on_window_opens_only_on_the_sets_dates() {
    let (_t, site) = site("[]", "  - party: msp\n    hours: holiday-cover\n");
    assert_eq!(
        who(&site, "2026-12-25 10:00", Audience::Internal).as_deref(),
        Some("L1 party")
    );
    assert_eq!(who(&site, "2026-12-25 14:00", Audience::Internal), None);
    assert_eq!(who(&site, "2026-12-23 10:00", Audience::Internal), None);
}

#[test]
fn an_away_contact_is_replaced_by_their_cover_until_they_return() {
    let (_t, site) = site(
        "- { contact: it/Dana, from: 2026-12-21, to: 2027-01-03, cover: it/Marcus }\n",
        "  - party: it\n    contact: Dana\n",
    );
    assert_eq!(
        who(&site, "2026-12-18 10:00", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    assert_eq!(
        who(&site, "2026-12-21 08:00", Audience::Internal).as_deref(),
        Some("L1 Marcus for Dana")
    );
    assert_eq!(
        who(&site, "2027-01-04 08:00", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    // Client builds name the cover (client-visible) but not whom they cover for.
    assert_eq!(
        who(&site, "2026-12-22 09:00", Audience::Client).as_deref(),
        Some("L1 Marcus")
    );
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Internal);
    let s = t[0].stretch_at(ny("2026-12-22 09:00")).unwrap();
    assert_eq!(s.duty.as_ref().unwrap().until, ny("2027-01-04 00:00"));
}

#[test]
fn away_without_cover_closes_the_level_and_a_partial_to_is_exclusive() {
    let (_t, site) = site(
        "- { contact: it/Dana, from: \"2026-12-08 13:00\", to: \"2026-12-08 15:00\" }\n- { contact: it/Dana, from: \"2026-12-08 14:00\", to: \"2026-12-08 17:00\" }\n",
        "  - party: it\n    contact: Dana\n",
    );
    assert_eq!(
        who(&site, "2026-12-08 12:59", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    assert_eq!(who(&site, "2026-12-08 13:00", Audience::Internal), None);
    // Overlapping absences merge: away until 17:00, back at 17:00.
    assert_eq!(who(&site, "2026-12-08 16:59", Audience::Internal), None);
    assert_eq!(
        who(&site, "2026-12-08 17:00", Audience::Internal).as_deref(),
        Some("L1 Dana")
    );
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Client);
    let c = t[0].closure_at(ny("2026-12-08 14:30")).unwrap();
    assert_eq!(c.reason, "Acme IT closed", "a client build says no more");
    assert_eq!(
        (c.start, c.end),
        (ny("2026-12-08 13:00"), ny("2026-12-08 17:00"))
    );
    let abs = cal.absences();
    assert_eq!(abs.len(), 1, "{abs:?}");
}

#[test]
fn covers_follow_their_own_cover_and_never_loop() {
    let (_t, site) = site(
        "- { contact: it/Dana, from: 2026-12-21, to: 2026-12-24, cover: it/Marcus }\n- { contact: it/Marcus, from: 2026-12-22, to: 2026-12-22, cover: it/Helpdesk }\n- { contact: it/Marcus, from: 2026-12-23, to: 2026-12-23, cover: it/Dana }\n",
        "  - party: it\n    contact: Dana\n",
    );
    assert_eq!(
        who(&site, "2026-12-21 09:00", Audience::Internal).as_deref(),
        Some("L1 Marcus for Dana")
    );
    assert_eq!(
        who(&site, "2026-12-22 09:00", Audience::Internal).as_deref(),
        Some("L1 Helpdesk for Dana")
    );
    // Dana → Marcus → Dana: a loop, so nobody.
    assert_eq!(who(&site, "2026-12-23 09:00", Audience::Internal), None);
}

#[test]
fn a_departed_contact_falls_through_as_away_without_cover() {
    let (_t, site) = site(
        "[]",
        "  - party: it\n    contact: Sam\n  - party: msp\n    after: 30m\n",
    );
    assert_eq!(
        who(&site, "2026-10-05 10:00", Audience::Internal).as_deref(),
        Some("L2 party")
    );
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Internal);
    let c = t[0].closure_at(ny("2026-10-05 10:00")).unwrap();
    assert!(c.reason.starts_with("Sam left 2026-10-01"), "{}", c.reason);
}

#[test]
fn the_rotation_hands_off_at_monday_nine_on_the_wall_clock() {
    let (_t, site) = site("[]", "  - party: msp\n    contact: on-call\n");
    // Before start there is no holder.
    assert_eq!(who(&site, "2026-11-02 08:59", Audience::Internal), None);
    assert_eq!(
        who(&site, "2026-11-02 09:00", Audience::Internal).as_deref(),
        Some("L1 Jo")
    );
    assert_eq!(
        who(&site, "2026-11-09 08:59", Audience::Internal).as_deref(),
        Some("L1 Jo")
    );
    assert_eq!(
        who(&site, "2026-11-09 09:00", Audience::Internal).as_deref(),
        Some("L1 Lee")
    );
    assert_eq!(
        who(&site, "2026-11-16 09:00", Audience::Internal).as_deref(),
        Some("L1 Kim")
    );
    assert_eq!(
        who(&site, "2026-11-23 09:00", Audience::Internal).as_deref(),
        Some("L1 Jo")
    );
    // 2026-11-01 clocks fell back; 2027-03-14 they spring forward: still 09:00 local.
    // (19 weeks after the start: holder 19 mod 3 = Lee.)
    assert_eq!(
        who(&site, "2027-03-15 08:59", Audience::Internal).as_deref(),
        Some("L1 Jo")
    );
    assert_eq!(
        who(&site, "2027-03-15 09:00", Audience::Internal).as_deref(),
        Some("L1 Lee")
    );
    // An override wins over the holder.
    assert_eq!(
        who(&site, "2026-12-24 09:00", Audience::Internal).as_deref(),
        Some("L1 Kim")
    );
    assert_eq!(
        who(&site, "2026-12-28 09:00", Audience::Internal).as_deref(),
        Some("L1 Kim")
    );
    assert_eq!(
        who(&site, "2026-12-26 09:00", Audience::Internal).as_deref(),
        Some("L1 Kim")
    );
    // Client builds see the level's client-visible name only: nobody is named.
    assert_eq!(
        who(&site, "2026-11-09 09:00", Audience::Client).as_deref(),
        Some("L1 -")
    );
}

#[test]
fn an_away_holder_is_covered_else_skipped_to_the_next_member_without_shifting() {
    let (_t, site) = site(
        "- { contact: msp/Jo, from: 2026-11-02, to: 2026-11-04 }\n- { contact: msp/Lee, from: 2026-11-10, to: 2026-11-10, cover: msp/NOC }\n",
        "  - party: msp\n    contact: on-call\n",
    );
    assert_eq!(
        who(&site, "2026-11-03 10:00", Audience::Internal).as_deref(),
        Some("L1 Lee for Jo")
    );
    assert_eq!(
        who(&site, "2026-11-05 10:00", Audience::Internal).as_deref(),
        Some("L1 Jo")
    );
    // The sequence did not shift: Lee holds the next week.
    assert_eq!(
        who(&site, "2026-11-09 10:00", Audience::Internal).as_deref(),
        Some("L1 Lee")
    );
    assert_eq!(
        who(&site, "2026-11-10 10:00", Audience::Internal).as_deref(),
        Some("L1 NOC for Lee")
    );
}

#[test]
fn spring_forward_starts_at_the_next_valid_minute_fall_back_at_the_first() {
    let (_t, site) = site("[]", "  - party: msp\n    hours: early\n");
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Internal);
    // 2027-03-14: 02:00 EST → 03:00 EDT; 02:30 does not exist.
    let s = t[0].stretch_at(utc("2027-03-14 07:00")).unwrap();
    assert_eq!(
        (s.start, s.end),
        (utc("2027-03-14 07:00"), utc("2027-03-14 08:00"))
    );
    let (_t, site) = site_with("  - party: msp\n    hours: late\n");
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Internal);
    // 2026-11-01: 01:30 happens twice; the window opens at the first (EDT).
    let s = t[0].stretch_at(utc("2026-11-01 05:30")).unwrap();
    assert_eq!(
        (s.start, s.end),
        (utc("2026-11-01 05:30"), utc("2026-11-01 08:00"))
    );
}

fn site_with(system: &str) -> (TestSite, Site) {
    site("[]", system)
}

#[test]
fn a_london_window_follows_londons_clock_in_the_weeks_the_zones_disagree() {
    let (_t, site) = site("[]", "  - party: msp\n    hours: london\n");
    let cal = Calendar::new(&site, span());
    let t = cal.ladder(&site.systems[0].system, Audience::Internal);
    // Mon 2027-03-15: New York is on EDT (since 03-14), London still on GMT
    // (until 03-28): 09:00 GMT is 05:00 in New York, not 04:00.
    let s = t[0].stretch_at(utc("2027-03-15 09:00")).unwrap();
    assert_eq!(
        (s.start, s.end),
        (ny("2027-03-15 05:00"), ny("2027-03-15 13:00"))
    );
    // Mon 2027-03-29: both on summer time: 09:00 BST is 04:00 in New York.
    let s = t[0].stretch_at(utc("2027-03-29 08:00")).unwrap();
    assert_eq!(
        (s.start, s.end),
        (ny("2027-03-29 04:00"), ny("2027-03-29 12:00"))
    );
    // Mon 2026-10-26: London back on GMT (10-25), New York still EDT (until 11-01).
    let s = t[0].stretch_at(utc("2026-10-26 09:00")).unwrap();
    assert_eq!(s.start, ny("2026-10-26 05:00"));
}

#[test]
fn a_later_levels_person_is_the_one_on_duty_when_it_is_called() {
    let (_t, site) = site(
        "[]",
        "  - party: it\n    contact: Dana\n    hours: always\n  - party: msp\n    contact: on-call\n    after: 30m\n",
    );
    let cal = Calendar::new(&site, span());
    let system = &site.systems[0].system;
    let timelines = cal.ladder(system, Audience::Internal);
    let levels: Vec<(&LevelTimeline, i64)> = vec![(&*timelines[0], 0), (&*timelines[1], 30)];
    let at = ny("2026-11-09 08:45");
    let answer = answering(&levels, at);
    assert_eq!(answer.first, Some(0));
    assert_eq!(answer.call_at, [Some(at), Some(at + 30)]);
    // Called at 09:15, after the handoff: Lee, not Jo.
    let duty = answer.duty(&levels, 1, at).unwrap().duty.clone().unwrap();
    assert_eq!(duty.name.as_deref(), Some("Lee"));
    assert_eq!(duty.until, ny("2026-11-16 09:00"));
}
