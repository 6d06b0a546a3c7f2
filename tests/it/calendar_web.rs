//! The calendar data the browser answers "who now" from (issue 23): one shared
//! `assets/calendar.js` per build, referenced by the pages with ladders and
//! never inlined in them, keyed by each ladder level, and without absence
//! records in a client build.

use crate::common::Site;
use std::collections::BTreeSet;

/// `window.cairnCalendar` of a build, parsed.
fn calendar(site: &Site) -> serde_json::Value {
    let js = site.out("assets/calendar.js");
    let body = js
        .split_once("window.cairnCalendar=")
        .map(|(_, b)| b.trim_end().trim_end_matches(';'))
        .expect("calendar.js sets window.cairnCalendar");
    serde_json::from_str(body).expect("calendar.js holds JSON")
}

/// The calendar keys of a page's ladder levels: a ladder's level says it
/// in its id (`ladder-SYSTEM-LEVEL`, read by cairn.js), the now board's in
/// `data-timeline`.
fn timeline_keys(html: &str) -> BTreeSet<String> {
    let timeline = regex::Regex::new(r#"data-timeline="([^"]+)""#).unwrap();
    let level = regex::Regex::new(r#"<li class="level" id="ladder-([^"]+)-([0-9]+)""#).unwrap();
    let from_ids = level
        .captures_iter(html)
        .map(|c| format!("{}/{}", &c[1], &c[2]));
    timeline
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .chain(from_ids)
        .collect()
}

#[test]
fn ladders_reference_one_shared_calendar_script_with_a_timeline_per_level() {
    let site = Site::example();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let cal = calendar(&site);
    let levels: BTreeSet<String> = cal["levels"].as_object().unwrap().keys().cloned().collect();
    // The span: the build date (2026-11-25) to +400 days, whose last date the
    // page names when read past it.
    assert_eq!(cal["endDate"], "2027-12-29");
    assert_eq!(cal["tz"], "America/New_York");
    let system = site.out("systems/m365/index.html");
    let keys = timeline_keys(&system);
    assert_eq!(
        keys,
        BTreeSet::from(["m365/1".into(), "m365/2".into(), "m365/3".into()])
    );
    assert!(keys.is_subset(&levels), "{keys:?} not all in {levels:?}");
    for page in [
        "systems/m365/index.html",
        "runbooks/network/vpn-down/index.html",
        "now/index.html",
    ] {
        let html = site.out(page);
        assert!(
            html.contains("assets/calendar.js\" defer></script>"),
            "{page} should load the shared calendar"
        );
        assert!(
            !html.contains("cairnCalendar"),
            "{page} must not inline calendar data"
        );
        assert!(timeline_keys(&html).is_subset(&levels), "{page}");
    }
    // A page without a ladder does not load it.
    assert!(!site.out("matrix/index.html").contains("calendar.js"));
    // The client build carries no absence records.
    assert!(cal.get("away").is_none(), "client calendar lists absences");
}

#[test]
fn internal_calendar_lists_absences_and_client_calendar_never_does() {
    let site = Site::example();
    let run = site.build(&["--audience", "internal"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(calendar(&site)["away"].is_array());
}

/// Without JavaScript: the system page's coverage chart has a strip for the 14
/// days from the build date, and the now board lists the coming holidays
/// (internal builds: and absences) of those days.
#[test]
fn the_next_14_days_are_drawn_at_build_time_for_each_audience() {
    for audience in ["client", "internal"] {
        let site = Site::example();
        let run = site.build(&["--audience", audience]);
        assert_eq!(run.code, 0, "{run:?}");
        let system = site.out("systems/m365/index.html");
        let at = system
            .find("id=\"coverage-ahead\"")
            .expect("a 14-day strip");
        let ahead = &system[at..];
        assert!(ahead.contains("<strong>The next 14 days</strong>"));
        assert!(ahead.contains("from Wed 25 Nov (the build date)"));
        assert!(ahead.contains("<span>Wed 25</span>") && ahead.contains("<span>Tue 8</span>"));
        // Exact to the minute in words: the first evening hands over to the NOC,
        // which answers through Thanksgiving (the office is closed that day).
        assert!(
            ahead.contains("Wed 25 Nov 18:00–Fri 27 Nov 08:00 Bright MSP (level 2)"),
            "{audience}"
        );
        // Holidays and (internal builds only) absences are marked on the strip
        // and listed on the now board.
        let internal = audience == "internal";
        assert!(
            ahead.contains("Thu 26 Nov: Thanksgiving Day (us-office)"),
            "{audience}"
        );
        let away = "Wed 2 Dec: Dana Ruiz away, Marcus Lee covers";
        assert_eq!(ahead.contains(away), internal, "{audience}");
        let now = site.out("now/index.html");
        assert!(now.contains("Thanksgiving Day (us-office)"), "{audience}");
        assert_eq!(
            now.contains("Dana Ruiz away, Marcus Lee covers"),
            internal,
            "{audience}"
        );
        let heading = if audience == "internal" {
            "Coming up: holidays and absences"
        } else {
            "Coming up: holidays</h2>"
        };
        assert!(now.contains(heading), "{audience}: {heading}");
        assert!(now.contains("The 14 days from <span class=\"now-coming-from\">Wed 25 Nov</span>"));
    }
}
