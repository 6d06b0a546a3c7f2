//! Weekly coverage charts: the minutes a chart hatches as uncovered are the
//! minutes `coverage-gap` reports, on ladders whose windows cross midnight and
//! the end of the week.

use crate::common::Site;

/// The base fixture with hours that cross midnight (fri night into sat) and
/// the end of the week (sun night into mon), on a tier-1 system of three levels.
fn site_with_night_windows() -> Site {
    let site = Site::fixture("base");
    site.edit(
        "cairn.yaml",
        "  always: 24x7",
        "  always: 24x7\n  late: { days: [mon, tue, wed, thu, fri], from: \"18:00\", to: \"01:30\" }\n  sunday-night: { days: sun, from: \"20:15\", to: \"06:45\" }\n  friday-night: [{ days: fri, from: \"23:00\", to: \"09:00\" }]",
    );
    site.write(
        "data/systems/m365.yaml",
        "id: m365\nname: Microsoft 365\ntier: 1\nowner: acme-it\ndepends_on: [firewall]\nraci:\n  User onboarding: { acme-it: RA, bright: I }\nescalation:\n  - party: acme-it\n    contact: Dana Ruiz\n    hours: business\n  - party: bright\n    hours: late\n  - party: bright\n    hours: sunday-night\n  - party: acme-it\n    hours: friday-night\n",
    );
    site
}

/// `data-uncovered="…"` of the first element carrying it after `from`.
fn uncovered_attr(html: &str, from: &str) -> Vec<String> {
    let at = html.find(from).unwrap_or_else(|| panic!("no {from}"));
    let rest = &html[at..];
    let start = rest.find("data-uncovered=\"").expect("no data-uncovered") + 16;
    let value = &rest[start..start + rest[start..].find('"').unwrap()];
    value
        .split("; ")
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

#[test]
fn the_chart_hatches_exactly_the_windows_coverage_gap_reports() {
    let site = site_with_night_windows();
    let check = site.cairn(&["check", ".", "--format", "json"]);
    let json = check.json();
    let gap = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "coverage-gap" && w["file"] == "data/systems/m365.yaml")
        .unwrap_or_else(|| panic!("no coverage-gap for m365: {json}"))["message"]
        .as_str()
        .unwrap()
        .to_string();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let html = site.out("systems/m365/index.html");
    let chart = uncovered_attr(&html, "class=\"coverage\"");
    // Worked out by hand: weeknights 01:30–08:00 except into saturday (friday-night
    // covers fri 23:00–sat 09:00), saturday 09:00 until sunday 20:15, and monday
    // morning after sunday-night ends at 06:45.
    assert_eq!(
        chart,
        [
            "mon 06:45–mon 08:00",
            "tue 01:30–tue 08:00",
            "wed 01:30–wed 08:00",
            "thu 01:30–thu 08:00",
            "fri 01:30–fri 08:00",
            "sat 09:00–sun 20:15",
        ]
    );
    // coverage-gap names the first window and counts the others.
    assert!(
        gap.starts_with(&format!(
            "nobody answers {} and {} more windows",
            chart[0],
            chart.len() - 1
        )),
        "{gap} vs {chart:?}"
    );
    // The text under the chart says the same, and the hatching is drawn.
    assert!(
        html.contains("<strong>Nobody answers:</strong> mon 06:45–mon 08:00, tue 01:30–tue 08:00")
    );
    assert!(
        html.contains("class=\"cov-none\" x=\"7740\" y=\"0\" width=\"2115\""),
        "sat 09:00–sun 20:15 hatched"
    );
    // The home page's compact row for the system says the same.
    let home = site.out("index.html");
    assert_eq!(uncovered_attr(&home, "data-system=\"m365\""), chart);
}

#[test]
fn a_gap_across_the_end_of_the_week_is_one_window_in_chart_and_check() {
    let site = Site::fixture("base");
    // Only business hours: the weekend gap runs from friday evening over sunday midnight.
    site.edit(
        "data/systems/m365.yaml",
        "    hours: always\n",
        "    hours: business\n",
    );
    let check = site.cairn(&["check", ".", "--format", "json"]);
    let json = check.json();
    let gap = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "coverage-gap")
        .unwrap_or_else(|| panic!("no coverage-gap: {json}"))["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("systems/m365/index.html");
    let chart = uncovered_attr(&html, "class=\"coverage\"");
    assert_eq!(chart.len(), 5, "{chart:?}");
    assert_eq!(
        chart.last().map(String::as_str),
        Some("fri 18:00–mon 08:00")
    );
    assert!(
        gap.starts_with(&format!("nobody answers {} and 4 more windows", chart[0])),
        "{gap}"
    );
    // Drawn in two pieces: friday evening to the end of sunday, and monday morning.
    assert!(html.contains("class=\"cov-none\" x=\"6840\" y=\"0\" width=\"3240\""));
    assert!(html.contains("class=\"cov-none\" x=\"0\" y=\"0\" width=\"480\""));
}

#[test]
fn a_covered_week_has_no_hatching_and_says_so() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("systems/m365/index.html");
    assert!(uncovered_attr(&html, "class=\"coverage\"").is_empty());
    assert!(!html.contains("class=\"cov-none\""));
    assert!(html.contains("Someone answers at every minute of the week."));
    // One strip per level and the first-to-answer strip (the 14-day figure after
    // the weekly one has its own).
    let weekly = &html[..html.find("id=\"coverage-ahead\"").unwrap_or(html.len())];
    assert_eq!(weekly.matches("<svg class=\"cov-strip").count(), 3);
    // Colours are classes (CSP: no style attributes).
    assert!(!html.contains(" style="));
}

#[test]
fn a_party_page_charts_when_it_answers_for_which_system() {
    let site = Site::fixture("base");
    assert_eq!(site.build(&[]).code, 0);
    let html = site.out("parties/acme-it/index.html");
    let chart = &html[html.find("class=\"coverage\"").expect("no chart")..];
    assert!(chart.contains("Its hours"));
    assert!(chart.contains("href=\"../../systems/m365/index.html\""));
    assert!(chart.contains("Microsoft 365: Acme Internal IT answers first mon 08:00–mon 18:00"));
}
