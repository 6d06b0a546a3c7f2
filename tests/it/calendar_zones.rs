//! SPEC §9 of issue 23: a party (or one hours window) may name its own
//! `timezone:`. Its hours are converted exactly: the weekly check and chart
//! read them on the site's clock as in most weeks, and the dated check names
//! the weeks when US and EU clocks change on different dates.

use crate::common::{Site, messages};

/// A New York site whose night is answered by a London NOC, 05:00-17:00 London
/// time (00:00-12:00 in New York in most weeks), and whose afternoon and
/// evening by the office, 12:00-24:00 New York time: every hour of an
/// ordinary week is covered.
fn site() -> Site {
    let site = Site::fixture("calendar-check");
    site.write(
        "cairn.yaml",
        "title: Zones\ntimezone: America/New_York\nhours:\n  day: { days: mon-sun, from: \"05:00\", to: \"17:00\" }\n  late: { days: mon-sun, from: \"12:00\", to: \"24:00\" }\ncoverage_horizon: 90d\n",
    );
    site.write(
        "data/parties.yaml",
        "- id: acme-it\n  name: Acme IT\n  kind: internal\n  hours: late\n  contacts:\n    - { name: Desk, phone: \"+1 555 0100\" }\n- id: euro-noc\n  name: Euro NOC\n  kind: provider\n  timezone: Europe/London\n  hours: day\n  contacts:\n    - { name: NOC, phone: \"+44 20 7946 0000\" }\n",
    );
    site.write("data/away.yaml", "[]\n");
    std::fs::remove_file(site.path().join("data/us-holidays.ics")).unwrap();
    site.write(
        "data/systems/m365.yaml",
        "id: m365\nname: Microsoft 365\ntier: 1\nowner: acme-it\nraci:\n  User onboarding: { acme-it: RA }\nescalation:\n  - party: euro-noc\n  - party: acme-it\n    after: 30m\n",
    );
    site
}

fn check_at(site: &Site, epoch: &str) -> serde_json::Value {
    site.check_on(epoch, &[]).1
}

#[test]
fn a_partys_own_timezone_covers_the_ordinary_week_and_the_dst_weeks_are_named() {
    let site = site();
    // 2026-12-01: the horizon ends before the clocks change; nothing to say.
    let december = check_at(&site, "1796126400");
    assert!(
        messages(&december, "coverage-gap").is_empty(),
        "{december:#}"
    );
    assert!(
        messages(&december, "coverage-gap-dated").is_empty(),
        "{december:#}"
    );
    // 2027-03-01: New York springs forward on 14 Mar, London on 28 Mar. From
    // the 15th the NOC's 05:00 London is 01:00 in New York: 00:00-01:00 is
    // nobody's, every night until London's clocks change too.
    let march = check_at(&site, "1803902400");
    assert!(messages(&march, "coverage-gap").is_empty(), "{march:#}");
    let dated = messages(&march, "coverage-gap-dated");
    assert_eq!(dated.len(), 1, "{march:#}");
    assert!(
        dated[0].contains(
            "on 2027-03-15 00:00–01:00: nobody answers: `euro-noc` keeps Europe/London time"
        ),
        "{}",
        dated[0]
    );
    assert!(dated[0].contains("(and 12 more windows)"), "{}", dated[0]);
}

/// The weekly chart draws the London hours on New York's clock: the NOC
/// answers first from 00:00 to 12:00.
#[test]
fn the_weekly_chart_draws_a_partys_hours_on_the_sites_clock() {
    assert_week_covered_with(&site(), "mon 00:00–mon 12:00: Euro NOC (level 1)");
}

/// Builds `site` and reads m365's weekly chart: the week covered, `first`
/// among its first-to-answer spans.
fn assert_week_covered_with(site: &Site, first: &str) {
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = site.out("systems/m365/index.html");
    let chart = &page[page.find("id=\"coverage\"").unwrap_or(0)..];
    assert!(chart.contains(first), "{}", &chart[..3000.min(chart.len())]);
    assert!(page.contains("data-uncovered=\"\""), "the week is covered");
}

/// One hours window may name its own zone: the party keeps the site's, and
/// only that window is moved (10:00-22:00 London is 05:00-17:00 New York in
/// most weeks), in the weekly chart and in the weekly and dated checks alike.
#[test]
fn one_windows_own_timezone_is_drawn_and_checked_on_the_sites_clock() {
    let site = site();
    site.write(
        "cairn.yaml",
        "title: Zones\ntimezone: America/New_York\nhours:\n  day:\n    - { days: mon-sun, from: \"10:00\", to: \"22:00\", timezone: Europe/London }\n  late: { days: mon-sun, from: \"12:00\", to: \"24:00\" }\n  night: { days: mon-sun, from: \"00:00\", to: \"05:00\" }\ncoverage_horizon: 90d\n",
    );
    site.write(
        "data/parties.yaml",
        "- id: acme-it\n  name: Acme IT\n  kind: internal\n  hours: late\n  contacts:\n    - { name: Desk, phone: \"+1 555 0100\" }\n- id: euro-noc\n  name: Euro NOC\n  kind: provider\n  hours: day\n  contacts:\n    - { name: NOC, phone: \"+44 20 7946 0000\" }\n- id: night-desk\n  name: Night Desk\n  kind: vendor\n  hours: night\n  contacts:\n    - { name: Desk, phone: \"+1 555 0199\" }\n",
    );
    site.write(
        "data/systems/m365.yaml",
        "id: m365\nname: Microsoft 365\ntier: 1\nowner: acme-it\nraci:\n  User onboarding: { acme-it: RA }\nescalation:\n  - party: euro-noc\n  - party: acme-it\n    after: 30m\n  - party: night-desk\n    after: 1h\n",
    );
    assert_week_covered_with(&site, "mon 05:00–mon 17:00: Euro NOC (level 1)");
    // An ordinary week is covered; the weeks the clocks change apart are
    // not: from 14 Mar the window's 10:00 London is 06:00 in New York.
    let march = check_at(&site, "1803902400"); // 2027-03-01
    assert!(messages(&march, "coverage-gap").is_empty(), "{march:#}");
    let dated = messages(&march, "coverage-gap-dated");
    assert_eq!(dated.len(), 1, "{march:#}");
    assert!(
        dated[0].contains(
            "on 2027-03-14 05:00–06:00: nobody answers: `euro-noc` keeps Europe/London time"
        ),
        "{}",
        dated[0]
    );
}

/// `cairn diff` reads a party's zone as the check does: dropping the NOC's
/// `timezone:` moves its hours from 00:00-12:00 to 05:00-17:00 New York
/// time, and the nights it leaves are named.
#[test]
fn diff_reads_the_weekly_coverage_on_the_sites_clock() {
    let (old, new) = (site(), site());
    let parties = std::fs::read_to_string(new.path().join("data/parties.yaml")).unwrap();
    new.write(
        "data/parties.yaml",
        &parties.replace("  timezone: Europe/London\n", ""),
    );
    let (o, n) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    let run = crate::common::cairn_in(new.path(), &["diff", o, n, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    let cov = &json["coverage"][0];
    assert_eq!(cov["system"], "m365", "{json:#}");
    assert_eq!(cov["minutes_before"], 10080, "{json:#}");
    assert_eq!(cov["minutes_after"], 10080 - 7 * 300, "{json:#}");
}
