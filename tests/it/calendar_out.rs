//! The calendar's data out (issue 23 §7): the iCalendar feeds a build writes,
//! read back with the `ical` crate (a second parser, independent of the
//! `icalendar` crate cairn reads holiday files with), and the calendar in
//! `cairn.json`.

use crate::common::{Site, files};
use std::collections::{BTreeMap, BTreeSet};

/// One VEVENT: property name → (parameters, value), the first of each name.
type Event = BTreeMap<String, (Vec<(String, Vec<String>)>, String)>;

/// The events of an ICS file, after checking what RFC 5545 asks of its
/// bytes: CRLF line ends only, physical lines of at most 75 octets.
fn events(text: &str) -> Vec<Event> {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line}", line.len());
    }
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("ical cannot read it: {e}\n{text}"));
    assert!(calendars.next().is_none());
    let name = |n: &str| {
        calendar
            .properties
            .iter()
            .find(|p| p.name == n)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(name("VERSION").as_deref(), Some("2.0"));
    assert!(name("PRODID").is_some());
    calendar
        .events
        .iter()
        .map(|e| {
            let mut out = Event::new();
            for p in &e.properties {
                out.entry(p.name.clone()).or_insert_with(|| {
                    (
                        p.params.clone().unwrap_or_default(),
                        p.value.clone().unwrap_or_default(),
                    )
                });
            }
            for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
                assert!(out.contains_key(required), "no {required}: {out:?}");
            }
            out
        })
        .collect()
}

fn value<'e>(e: &'e Event, name: &str) -> &'e str {
    e.get(name).map_or("", |(_, v)| v.as_str())
}

/// `(DTSTART, DTEND, SUMMARY)` of every event.
/// `(DTSTART, DTEND, SUMMARY)` of every event.
fn spans(evs: &[Event]) -> Vec<(String, String, String)> {
    evs.iter()
        .map(|e| {
            (
                value(e, "DTSTART").to_string(),
                value(e, "DTEND").to_string(),
                value(e, "SUMMARY").to_string(),
            )
        })
        .collect()
}

fn built(audience: &str) -> Site {
    let site = Site::fixture("calendar-check");
    let run = site.build(&["--audience", audience]);
    assert_eq!(run.code, 0, "{run:?}");
    site
}

fn feeds(site: &Site) -> Vec<String> {
    files(&site.path().join("public"))
        .into_iter()
        .filter(|f| f.ends_with(".ics"))
        .collect()
}

#[test]
fn a_build_writes_the_feeds_and_every_one_parses_with_a_second_parser() {
    let site = built("internal");
    assert_eq!(
        feeds(&site),
        [
            "holidays.ics",
            "oncall.ics",
            "rotations/bright-on-call.ics",
            "systems/m365/oncall.ics"
        ]
    );
    for feed in feeds(&site) {
        let evs = events(&site.out(&feed));
        assert!(!evs.is_empty(), "{feed}");
        let uids: BTreeSet<&str> = evs.iter().map(|e| value(e, "UID")).collect();
        assert_eq!(uids.len(), evs.len(), "{feed}: UIDs repeat");
        // DTSTAMP is SOURCE_DATE_EPOCH (2026-11-25 12:00 UTC).
        assert!(
            evs.iter()
                .all(|e| value(e, "DTSTAMP") == "20261125T120000Z"),
            "{feed}"
        );
    }
}

#[test]
fn holidays_are_all_day_events() {
    let site = built("internal");
    let evs = events(&site.out("holidays.ics"));
    let days: Vec<(String, String, String)> = spans(&evs).into_iter().take(3).collect();
    assert_eq!(
        days,
        [
            (
                "20261126".into(),
                "20261127".into(),
                "Thanksgiving Day".into()
            ),
            ("20261224".into(), "20261225".into(), "Christmas Eve".into()),
            ("20261225".into(), "20261226".into(), "Christmas Day".into()),
        ]
    );
    for e in &evs {
        for p in ["DTSTART", "DTEND"] {
            assert_eq!(
                e[p].0,
                [("VALUE".to_string(), vec!["DATE".to_string()])],
                "{e:?}"
            );
        }
    }
}

#[test]
fn the_system_feed_has_one_event_per_stretch_of_the_first_answering_level() {
    let site = built("internal");
    let evs = events(&site.out("systems/m365/oncall.ics"));
    let all = spans(&evs);
    // Wednesday 25 November: Acme 08:00–18:00 New York (13:00–23:00 UTC), the
    // rotation's holder at night.
    assert!(
        all.contains(&(
            "20261125T130000Z".into(),
            "20261125T230000Z".into(),
            "m365: Acme Internal IT (Dana Ruiz)".into()
        )),
        "{all:#?}"
    );
    assert!(
        all.contains(&(
            "20261125T230000Z".into(),
            "20261126T130000Z".into(),
            "m365: Bright MSP (Lee Wu)".into()
        )),
        "{all:#?}"
    );
    // The rotation hands off on Monday 30 November 09:00 (14:00 UTC): that
    // night Jo Kim answers.
    assert!(
        all.contains(&(
            "20261130T230000Z".into(),
            "20261201T130000Z".into(),
            "m365: Bright MSP (Jo Kim)".into()
        )),
        "{all:#?}"
    );
    // Nobody answers on Christmas Day (a Friday, Acme closed, no weekend
    // level), nor while Dana is away on 8 December 13:00–17:00: no event
    // holds those minutes.
    let holds = |at: &str| {
        all.iter()
            .any(|(a, b, _)| a.as_str() <= at && at < b.as_str())
    };
    assert!(!holds("20261225T150000Z"), "{all:#?}");
    assert!(!holds("20261208T190000Z"), "{all:#?}");
    assert!(holds("20261208T170000Z"), "{all:#?}");
    // Sorted, disjoint, within the 90-day horizon.
    for w in all.windows(2) {
        assert!(w[0].1 <= w[1].0, "{w:?}");
    }
    assert!(all.last().unwrap().1.as_str() <= "20270223T050000Z");
    // How to reach them, in the description.
    let dana = evs
        .iter()
        .find(|e| value(e, "SUMMARY").contains("Dana Ruiz"))
        .unwrap();
    assert!(
        value(dana, "DESCRIPTION").contains("Call Dana Ruiz: +1 555 0100"),
        "{dana:?}"
    );
    // The site feed holds the same events.
    let site_wide = events(&site.out("oncall.ics"));
    assert_eq!(spans(&site_wide), all);
}

#[test]
fn the_rotation_feed_has_one_event_per_holder() {
    let site = built("internal");
    let evs = events(&site.out("rotations/bright-on-call.ics"));
    let all = spans(&evs);
    assert_eq!(
        all[1],
        (
            "20261130T140000Z".into(),
            "20261207T140000Z".into(),
            "Bright MSP on-call: Jo Kim".into()
        )
    );
    assert_eq!(all[2].2, "Bright MSP on-call: Lee Wu");
}

#[test]
fn uids_are_stable_across_rebuilds_and_dtstamp_is_source_date_epoch() {
    let site = Site::fixture("calendar-check");
    let build = |epoch: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["build", "."])
            .current_dir(site.path())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        events(&site.out("systems/m365/oncall.ics"))
    };
    let uid_by_start = |evs: &[Event]| -> BTreeMap<String, String> {
        evs.iter()
            .map(|e| (value(e, "DTSTART").to_string(), value(e, "UID").to_string()))
            .collect()
    };
    let first = build("1795608000");
    let again = build("1795608000");
    assert_eq!(uid_by_start(&first), uid_by_start(&again));
    // An hour later: the same events, the same UIDs, a new DTSTAMP.
    let later = build("1795611600");
    assert_eq!(uid_by_start(&first), uid_by_start(&later));
    assert!(
        later
            .iter()
            .all(|e| value(e, "DTSTAMP") == "20261125T130000Z")
    );
    // Without SOURCE_DATE_EPOCH: 00:00 of the build date in New York (05:00
    // or 04:00 UTC), whatever the time of the build.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["build", "."])
        .current_dir(site.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stamp = regex::Regex::new(r"^[0-9]{8}T0[45]0000Z$").unwrap();
    let unpinned = events(&site.out("holidays.ics"));
    assert!(
        unpinned.iter().all(|e| stamp.is_match(value(e, "DTSTAMP"))),
        "{unpinned:?}"
    );
    // A week later: every event both builds hold keeps its UID, so a
    // subscriber's calendar updates it instead of showing it twice.
    let next_week = uid_by_start(&build("1796212800"));
    let before = uid_by_start(&first);
    let common: Vec<&String> = next_week
        .keys()
        .filter(|k| before.contains_key(*k))
        .collect();
    assert!(common.len() > 20, "{}", common.len());
    for start in common {
        assert_eq!(before[start], next_week[start], "{start}");
    }
}

#[test]
fn a_client_build_has_no_rotation_feed_no_absence_and_no_internal_name() {
    let site = Site::fixture("calendar-check");
    // Level 1 is Marcus, away 21 Dec – 3 Jan with Dana covering; level 2's
    // internal rotation holders show to clients as its client contact.
    site.edit(
        "data/systems/m365.yaml",
        "contact: Dana Ruiz",
        "contact: Marcus Lee",
    );
    site.edit(
        "data/systems/m365.yaml",
        "contact: on-call\n",
        "contact: on-call\n    client_contact: NOC\n",
    );
    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    let internal = site.out("oncall.ics").replace("\r\n ", "");
    assert!(internal.contains("Dana Ruiz is covering for Marcus Lee"));
    assert!(internal.contains("m365: Bright MSP (Jo Kim)"));
    let run = site.build(&["--audience", "client"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        feeds(&site),
        ["holidays.ics", "oncall.ics", "systems/m365/oncall.ics"]
    );
    for feed in feeds(&site) {
        let text = site.out(&feed).replace("\r\n ", "");
        for internal_only in ["Jo Kim", "Lee Wu", "covering", "away"] {
            assert!(!text.contains(internal_only), "{feed}: {internal_only}");
        }
    }
    let client = spans(&events(&site.out("oncall.ics")));
    // Dana answers for Marcus on 22 December, named without why.
    assert!(
        client.contains(&(
            "20261222T130000Z".into(),
            "20261222T230000Z".into(),
            "m365: Acme Internal IT (Dana Ruiz)".into()
        )),
        "{client:#?}"
    );
    assert!(client.iter().any(|s| s.2 == "m365: Bright MSP (NOC)"));
}

#[test]
fn names_are_escaped_and_long_lines_folded() {
    let site = Site::fixture("calendar-check");
    site.edit(
        "data/parties.yaml",
        "name: Acme Internal IT",
        "name: \"Acme Internal IT, Help Desk; Überwachung und Störungsannahme (Zentrale)\"",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = site.out("systems/m365/oncall.ics");
    assert!(text.contains("Help Desk\\; "), "{text}");
    let evs = events(&text);
    let acme = evs
        .iter()
        .find(|e| value(e, "SUMMARY").contains("Zentrale"))
        .unwrap();
    assert_eq!(
        value(acme, "SUMMARY"),
        "m365: Acme Internal IT\\, Help Desk\\; Überwachung und Störungsannahme (Zentrale) (Dana Ruiz)"
    );
}

#[test]
fn the_system_page_and_the_now_board_link_the_feeds() {
    let site = built("client");
    let system = site.out("systems/m365/index.html");
    assert!(
        system.contains(r#"<a href="../../systems/m365/oncall.ics">Subscribe (ICS)</a>"#),
        "{system}"
    );
    let now = site.out("now/index.html");
    assert!(now.contains(r#"<a href="../oncall.ics">"#), "{now}");
    assert!(now.contains(r#"<a href="../holidays.ics">"#), "{now}");
}

/// `cairn.json` of a build, checked against the schema written beside it.
fn model(site: &Site) -> serde_json::Value {
    let schema: serde_json::Value = serde_json::from_str(&site.out("cairn.schema.json")).unwrap();
    let model: serde_json::Value = serde_json::from_str(&site.out("cairn.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&model)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    model
}

#[test]
fn cairn_json_carries_holidays_rotations_and_internal_absences() {
    let site = built("internal");
    let m = model(&site);
    assert_eq!(m["schema_version"], 2);
    // The build's span: 400 days from 2026-11-25.
    assert_eq!(m["site"]["calendar_ends"], "2027-12-29");
    let holidays = m["holidays"].as_array().unwrap().clone();
    assert_eq!(
        holidays[2],
        serde_json::json!({"date": "2026-12-25", "name": "Christmas Day", "set": "us"})
    );
    let rotation = &m["rotations"][0];
    assert_eq!(
        (&rotation["party"], &rotation["name"]),
        (&"bright".into(), &"on-call".into())
    );
    assert_eq!(
        rotation["holders"][1],
        serde_json::json!({
            "start": "2026-11-30T14:00:00Z",
            "end": "2026-12-07T14:00:00Z",
            "contact": "Jo Kim",
            "covering_for": null
        })
    );
    assert_eq!(
        m["absences"][0],
        serde_json::json!({
            "party": "acme-it",
            "contact": "Dana Ruiz",
            "start": "2026-12-08T18:00:00Z",
            "end": "2026-12-08T22:00:00Z",
            "cover": null
        })
    );
    assert_eq!(m["absences"][1]["cover"], "acme-it/Dana Ruiz");
    assert_eq!(m["absences"][1]["contact"], "Marcus Lee");

    let site = built("client");
    let m = model(&site);
    assert!(m.get("absences").is_none());
    let text = site.out("cairn.json");
    for internal_only in ["Jo Kim", "Lee Wu", "absences"] {
        assert!(!text.contains(internal_only), "{internal_only}");
    }
    // The rotation is there, its internal holders unnamed, in one stretch.
    let holders = m["rotations"][0]["holders"].as_array().unwrap();
    assert_eq!(holders.len(), 1, "{holders:?}");
    assert_eq!(holders[0]["contact"], serde_json::Value::Null);
    // Holidays are no secret: the same in both builds.
    assert_eq!(m["holidays"].as_array().unwrap(), &holidays);
}

#[test]
fn the_schema_refuses_an_absence_without_its_fields() {
    // A strict schema is what makes the test above able to fail.
    let site = built("internal");
    let schema: serde_json::Value = serde_json::from_str(&site.out("cairn.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut m = model(&site);
    m["absences"][0]["reason"] = "dentist".into();
    assert!(!validator.is_valid(&m));
    let mut m = model(&site);
    m["rotations"][0]["holders"][0]["start"] = "Monday".into();
    assert!(!validator.is_valid(&m));
}

/// `cairn diff OLD NEW ARGS` in NEW.
fn diff(old: &Site, new: &Site, args: &[&str]) -> crate::common::Run {
    let (o, n) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    let mut all = vec!["diff", o, n];
    all.extend_from_slice(args);
    crate::common::cairn_in(new.path(), &all)
}

#[test]
fn diff_names_the_dates_a_change_leaves_nobody_answering() {
    // Before: the office opens on holidays. After: it closes on the `us` set.
    let old = Site::fixture("calendar-check");
    old.edit("cairn.yaml", ", closed_on: us }", " }");
    let new = Site::fixture("calendar-check");
    new.edit(
        "data/us-holidays.ics",
        "SUMMARY:Christmas Day",
        "SUMMARY:Christmas <Day> *",
    );
    let text = diff(&old, &new, &[]);
    assert_eq!(text.code, 0, "{text:?}");
    let out = &text.stdout;
    assert!(
        out.contains(
            "this change leaves m365 with nobody on 2026-11-26 08:00–18:00 and 2 more windows"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "2026-12-25 08:00–18:00 now uncovered: Christmas <Day> * — Acme Internal IT closed"
        ),
        "{out}"
    );
    assert!(
        out.contains("1 dated window now uncovered") || out.contains("dated windows now uncovered"),
        "{out}"
    );
    // Markdown escapes the names as everywhere in the diff.
    let md = diff(&old, &new, &["--format", "markdown"]);
    assert!(
        md.stdout
            .contains("`2026-12-25 08:00–18:00` now uncovered: **Christmas \\<Day\\> \\* — Acme Internal IT closed**"),
        "{}",
        md.stdout
    );
    let json = diff(&old, &new, &["--format", "json"]).json();
    let dated = &json["dated_coverage"][0];
    assert_eq!(dated["system"], "m365");
    assert_eq!(dated["attention"], true);
    let dates: Vec<&str> = dated["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-11-26", "2026-12-24", "2026-12-25"]);
    assert_eq!(json["summary"]["dated_windows_uncovered"], 3);
    // The other way round: answered again.
    let back = diff(&new, &old, &[]).stdout;
    assert!(
        back.contains("m365 is answered again on 2026-11-26 08:00–18:00 and 2 more windows"),
        "{back}"
    );
    // No dated change, no line.
    let same = diff(&new, &new, &["--format", "json"]).json();
    assert_eq!(same["dated_coverage"], serde_json::json!([]));
}

#[test]
fn a_client_diff_says_when_but_not_why_someone_is_away() {
    let old = Site::fixture("calendar-check");
    old.write(
        "data/away.yaml",
        "- { contact: acme-it/Marcus Lee, from: 2026-12-21, to: 2027-01-03, cover: acme-it/Dana Ruiz }\n",
    );
    let new = Site::fixture("calendar-check");
    let internal = diff(&old, &new, &[]).stdout;
    assert!(
        internal.contains("this change leaves m365 with nobody on 2026-12-08 13:00–17:00"),
        "{internal}"
    );
    assert!(internal.contains("Dana Ruiz away, no cover"), "{internal}");
    let client = diff(&old, &new, &["--audience", "client"]).stdout;
    assert!(
        client.contains("2026-12-08 13:00–17:00 now uncovered: Acme Internal IT closed"),
        "{client}"
    );
    assert!(!client.contains("Dana Ruiz away"), "{client}");
    assert!(!client.contains("no cover"), "{client}");
    assert!(client.contains("message withheld: it tells of someone's absence"));
}

#[test]
fn serve_answers_the_feeds_build_writes_byte_for_byte() {
    let site = built("internal");
    let server = crate::serve::Server::start(&site, &[]);
    for feed in feeds(&site) {
        let served = server.get(&format!("/{feed}"));
        assert_eq!(served.status, 200, "{feed}");
        assert_eq!(served.content_type(), "text/calendar; charset=utf-8");
        assert!(served.body == site.out(&feed), "{feed} differs");
    }
}

/// The site-wide feed has one event per stretch of whoever answers first,
/// naming the systems: five systems with one ladder make as many events as
/// one system does, not five times as many.
#[test]
fn the_site_feed_has_one_event_per_stretch_naming_its_systems() {
    let site = Site::fixture("calendar-check");
    let m365 = std::fs::read_to_string(site.path().join("data/systems/m365.yaml")).unwrap();
    for id in ["crm", "erp", "mail", "vpn"] {
        site.write(
            &format!("data/systems/{id}.yaml"),
            &m365.replacen("id: m365", &format!("id: {id}"), 1),
        );
    }
    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    let one = events(&site.out("systems/m365/oncall.ics"));
    let all = events(&site.out("oncall.ics"));
    assert_eq!(all.len(), one.len());
    for (a, o) in all.iter().zip(&one) {
        assert_eq!(value(a, "DTSTART"), value(o, "DTSTART"));
        let who = value(o, "SUMMARY").strip_prefix("m365: ").unwrap();
        assert_eq!(value(a, "SUMMARY"), format!("{who}: first for 5 systems"));
        assert!(
            // As written: ical leaves RFC 5545's escapes in TEXT values.
            value(a, "DESCRIPTION")
                .starts_with(r"Answers first for crm\, erp\, m365\, mail\, vpn."),
            "{a:?}"
        );
    }
    let uids: BTreeSet<&str> = all.iter().map(|e| value(e, "UID")).collect();
    assert_eq!(uids.len(), all.len(), "one UID per event");
}
