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

fn timeline_keys(html: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r#"data-timeline="([^"]+)""#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
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
