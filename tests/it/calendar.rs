//! The calendar: holidays, absences, rotations and departures, through the
//! real binary and the built files.

use cairn::calendar::{LevelTimeline, Stretch, answering};

/// The shared table of cases for `answering` (its JavaScript twin reads the same file).
#[test]
fn answering_agrees_with_the_shared_table_of_cases() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar-cases.json"),
    )
    .unwrap();
    let table: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let timelines: Vec<(LevelTimeline, i64)> = case["levels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let open = l["open"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| Stretch {
                        start: s[0].as_i64().unwrap(),
                        end: s[1].as_i64().unwrap(),
                        duty: s[2].as_str().map(|n| cairn::calendar::Duty {
                            name: Some(n.to_string()),
                            phone: None,
                            email: None,
                            covering_for: None,
                            until: s[1].as_i64().unwrap(),
                            rotation: None,
                        }),
                    })
                    .collect();
                (
                    LevelTimeline {
                        open,
                        closures: Vec::new(),
                    },
                    l["after"].as_i64().unwrap(),
                )
            })
            .collect();
        let levels: Vec<(&LevelTimeline, i64)> = timelines.iter().map(|(t, a)| (t, *a)).collect();
        let at = case["at"].as_i64().unwrap();
        let answer = answering(&levels, at);
        assert_eq!(
            answer.first,
            case["first"].as_u64().map(|n| n as usize),
            "{name}: first"
        );
        let call_at: Vec<Option<i64>> = case["call_at"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64())
            .collect();
        assert_eq!(answer.call_at, call_at, "{name}: call_at");
        let duty: Vec<Option<String>> = case["duty"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect();
        let got: Vec<Option<String>> = (0..levels.len())
            .map(|i| {
                answer
                    .duty(&levels, i, at)
                    .and_then(|s| s.duty.as_ref())
                    .and_then(|d| d.name.clone())
            })
            .collect();
        assert_eq!(got, duty, "{name}: duty");
    }
}

use crate::common::Site;

/// `cairn check --format json` of the site: (code, file, line, message).
fn diagnostics(site: &Site) -> Vec<(String, String, Option<u64>, String)> {
    let run = site.cairn(&["check", ".", "--format", "json"]);
    let json = run.json();
    ["errors", "warnings"]
        .iter()
        .flat_map(|k| json[*k].as_array().cloned().unwrap_or_default())
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn with_code<'a>(
    diags: &'a [(String, String, Option<u64>, String)],
    code: &str,
) -> Vec<&'a (String, String, Option<u64>, String)> {
    diags.iter().filter(|d| d.0 == code).collect()
}

#[test]
fn check_names_the_first_dated_gap_with_its_date_and_why() {
    // (The first gap: today's date in the site's zone counts, see `today_is_the_date_in_the_sites_timezone`.)
    let site = Site::fixture("calendar-check");
    let diags = diagnostics(&site);
    let gaps = with_code(&diags, "coverage-gap-dated");
    assert_eq!(gaps.len(), 1, "{diags:?}");
    let (_, file, line, message) = gaps[0];
    assert_eq!((file.as_str(), *line), ("data/systems/m365.yaml", Some(5)));
    // Today is 2026-11-25 in New York: Thanksgiving (from the ICS RRULE) is the
    // first window nobody answers.
    assert!(
        message.contains("2026-11-26 08:00–18:00: acme-it closed (Thanksgiving Day)"),
        "{message}"
    );
    assert!(message.contains("and 3 more windows"), "{message}");
    // The weekly check sees nothing: every hour of an ordinary week is covered.
    assert!(with_code(&diags, "coverage-gap").is_empty(), "{diags:?}");
    // Only Christmas left uncovered: the gap names its date.
    site.write("data/away.yaml", "[]\n");
    site.edit("cairn.yaml", "    - 2026-12-24: Christmas Eve\n", "");
    site.edit(
        "data/us-holidays.ics",
        "BEGIN:VEVENT\r\nUID:thanksgiving@test\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving Day\r\nEND:VEVENT\r\n",
        "",
    );
    let diags = diagnostics(&site);
    let gaps = with_code(&diags, "coverage-gap-dated");
    assert_eq!(gaps.len(), 1, "{diags:?}");
    assert!(
        gaps[0]
            .3
            .ends_with("on 2026-12-25 08:00–18:00: acme-it closed (Christmas Day)"),
        "{}",
        gaps[0].3
    );
}

#[test]
fn a_horizon_before_the_holiday_sees_no_gap() {
    let site = Site::fixture("calendar-check");
    site.edit(
        "cairn.yaml",
        "coverage_horizon: 90d",
        "coverage_horizon: 1d",
    );
    let diags = diagnostics(&site);
    assert!(
        with_code(&diags, "coverage-gap-dated").is_empty(),
        "{diags:?}"
    );
    assert!(with_code(&diags, "away-no-cover").is_empty(), "{diags:?}");
}

#[test]
fn an_absence_without_cover_on_a_ladder_is_away_no_cover() {
    let site = Site::fixture("calendar-check");
    let diags = diagnostics(&site);
    let away = with_code(&diags, "away-no-cover");
    assert_eq!(away.len(), 1, "{diags:?}");
    assert_eq!((away[0].1.as_str(), away[0].2), ("data/away.yaml", Some(2)));
    assert!(
        away[0]
            .3
            .contains("`acme-it/Dana Ruiz` is away 2026-12-08 13:00–17:00"),
        "{}",
        away[0].3
    );
}

#[test]
fn names_in_away_and_rotations_must_be_contacts() {
    let site = Site::fixture("calendar-check");
    site.write(
        "data/away.yaml",
        "- { contact: acme-it/Dana Ruiz, from: 2026-12-21, to: 2026-12-22, cover: acme-it/Marcos Lee }\n- { contact: nobody/X, from: 2026-12-21, to: 2026-12-22 }\n",
    );
    site.edit(
        "data/parties.yaml",
        "contacts: [Jo Kim, Lee Wu]",
        "contacts: [Jo Kim, Lee Woo]",
    );
    let diags = diagnostics(&site);
    let unknown = with_code(&diags, "unknown-contact");
    let at: Vec<(&str, Option<u64>)> = unknown.iter().map(|d| (d.1.as_str(), d.2)).collect();
    assert_eq!(
        at,
        [
            ("data/away.yaml", Some(1)),
            ("data/away.yaml", Some(2)),
            ("data/parties.yaml", Some(19))
        ],
        "{diags:?}"
    );
    assert!(
        unknown[0].3.contains("did you mean `Marcus Lee`"),
        "{}",
        unknown[0].3
    );
}

#[test]
fn an_away_entry_has_no_reason_field() {
    let site = Site::fixture("calendar-check");
    site.write(
        "data/away.yaml",
        "- contact: acme-it/Dana Ruiz\n  from: 2026-12-21\n  to: 2026-12-22\n  reason: dentist\n",
    );
    let run = site.cairn(&["check", "."]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[invalid-value]: data/away.yaml:4: unknown field `reason`"),
        "{run:?}"
    );
}

#[test]
fn bad_dates_overlapping_overrides_and_duplicate_contacts_are_errors() {
    let site = Site::fixture("calendar-check");
    site.write(
        "data/away.yaml",
        "- { contact: acme-it/Dana Ruiz, from: 2026-12-31, to: 2026-12-01 }\n",
    );
    site.edit(
        "data/parties.yaml",
        "      handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }\n",
        "      handoff: { every: 1w, at: \"mon 09:00\", start: 2026-11-02 }\n      overrides:\n        - { from: \"2026-12-24 09:00\", to: \"2026-12-28 09:00\", contact: Lee Wu }\n        - { from: 2026-12-27, to: 2026-12-29, contact: Jo Kim }\n",
    );
    site.edit(
        "data/parties.yaml",
        "    - { name: Marcus Lee, phone: \"+1 555 0101\" }\n",
        "    - { name: Marcus Lee, phone: \"+1 555 0101\" }\n    - { name: Dana Ruiz }\n",
    );
    let diags = diagnostics(&site);
    let invalid = with_code(&diags, "invalid-value");
    let at: Vec<(&str, Option<u64>)> = invalid.iter().map(|d| (d.1.as_str(), d.2)).collect();
    assert_eq!(
        at,
        [("data/away.yaml", Some(1)), ("data/parties.yaml", Some(24))],
        "{diags:?}"
    );
    // A backwards absence is reported once, not also as an absence without cover.
    assert!(with_code(&diags, "away-no-cover").is_empty(), "{diags:?}");
    assert!(
        invalid[1].3.contains("overlapping overrides"),
        "{}",
        invalid[1].3
    );
    let dup = with_code(&diags, "duplicate-id");
    assert_eq!(
        (dup[0].1.as_str(), dup[0].2),
        ("data/parties.yaml", Some(8)),
        "{diags:?}"
    );
    assert!(
        dup[0].3.contains("already listed at data/parties.yaml:6"),
        "{}",
        dup[0].3
    );
    // A bad date is an error at its line too.
    site.write(
        "data/away.yaml",
        "- { contact: acme-it/Dana Ruiz, from: 2026-02-30, to: 2026-03-01 }\n",
    );
    let run = site.cairn(&["check", "."]);
    assert!(
        run.stdout
            .contains("error[invalid-value]: data/away.yaml:1: invalid date `2026-02-30`"),
        "{run:?}"
    );
}

#[test]
fn unknown_holiday_sets_are_errors() {
    let site = Site::fixture("calendar-check");
    site.edit("cairn.yaml", "closed_on: us }", "closed_on: uk }");
    let diags = diagnostics(&site);
    let unknown = with_code(&diags, "unknown-holidays");
    assert_eq!(unknown.len(), 1, "{diags:?}");
    assert_eq!(
        (unknown[0].1.as_str(), unknown[0].2),
        ("cairn.yaml", Some(7))
    );
    assert!(
        unknown[0].3.contains("unknown holidays `uk`"),
        "{}",
        unknown[0].3
    );
}

#[test]
fn a_timed_or_unreadable_holiday_file_is_invalid_with_its_line() {
    let site = Site::fixture("calendar-check");
    site.edit(
        "data/us-holidays.ics",
        "DTSTART;VALUE=DATE:20261126\r\n",
        "DTSTART:20261126T090000Z\r\n",
    );
    let run = site.cairn(&["check", "."]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "error[invalid-value]: data/us-holidays.ics:6: a holiday must be an all-day event"
        ),
        "{run:?}"
    );
    site.write("data/us-holidays.ics", "this is not a calendar\n");
    let run = site.cairn(&["check", "."]);
    assert!(
        run.stdout
            .contains("error[invalid-value]: data/us-holidays.ics:1:"),
        "{run:?}"
    );
    site.edit("cairn.yaml", "data/us-holidays.ics", "data/missing.ics");
    let run = site.cairn(&["check", "."]);
    assert!(
        run.stdout.contains("error[invalid-value]: cairn.yaml:"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("`data/missing.ics` not found"),
        "{run:?}"
    );
}

#[test]
fn a_departed_contact_still_named_is_a_warning_also_ahead_of_the_day() {
    let site = Site::fixture("calendar-check");
    site.edit(
        "data/systems/m365.yaml",
        "contact: Dana Ruiz",
        "contact: Sam Ortiz",
    );
    let diags = diagnostics(&site);
    let departed = with_code(&diags, "departed-contact");
    assert_eq!(departed.len(), 1, "{diags:?}");
    assert_eq!(
        (departed[0].1.as_str(), departed[0].2),
        ("data/systems/m365.yaml", Some(7))
    );
    assert!(
        departed[0].3.contains("left on 2026-10-01"),
        "{}",
        departed[0].3
    );
    // Leaving within the horizon warns already; the build still passes.
    site.edit(
        "data/systems/m365.yaml",
        "contact: Sam Ortiz",
        "contact: Dana Ruiz",
    );
    site.edit(
        "data/parties.yaml",
        "{ name: Dana Ruiz, phone: \"+1 555 0100\" }",
        "{ name: Dana Ruiz, phone: \"+1 555 0100\", left: 2027-01-15 }",
    );
    let diags = diagnostics(&site);
    let departed = with_code(&diags, "departed-contact");
    assert!(
        departed
            .iter()
            .any(|d| d.3.contains("leaves on 2027-01-15")),
        "{diags:?}"
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// `SOURCE_DATE_EPOCH` 2026-11-27 03:00 UTC is still the 26th in New York:
/// the dated check counts from the 26th (Thanksgiving) and `review-overdue`
/// agrees; counted in UTC both would see the 27th.
#[test]
fn today_is_the_date_in_the_sites_timezone() {
    let site = Site::fixture("calendar-check");
    site.edit(
        "cairn.yaml",
        "coverage_horizon: 90d",
        "coverage_horizon: 2d",
    );
    site.write(
        "content/m365.md",
        "---\ntitle: M365 runbook\nsystems: [m365]\nlast_reviewed: 2026-11-25\nreview_every: 1d\n---\nSteps.\n",
    );
    let run = |epoch: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(["check", ".", "--format", "json"])
            .current_dir(site.path())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // 2026-11-27 03:00 UTC = 2026-11-26 22:00 in New York: not overdue yet
    // (due on the 26th), and the horizon from the 26th holds Thanksgiving.
    let late_evening = run("1795748400");
    assert!(!late_evening.contains("review-overdue"), "{late_evening}");
    assert!(
        late_evening.contains("2026-11-26 08:00–18:00: acme-it closed (Thanksgiving Day)"),
        "{late_evening}"
    );
    // 2026-11-27 12:00 UTC: the 27th everywhere: overdue, and Thanksgiving is past.
    let next_day = run("1795780800");
    assert!(next_day.contains("review-overdue"), "{next_day}");
    assert!(!next_day.contains("Thanksgiving"), "{next_day}");
}
