//! The now board (`now/index.html`) with a faked clock: who answers each system
//! and until when, at business hours, at night and on a weekend, in the site's
//! timezone (America/New_York for the example); and the filter box.

use crate::cdp::TabOptions;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "now_board_answers_at_business_hours_night_and_weekend",
            now_board_answers_at_business_hours_night_and_weekend,
        ),
        ("now_board_filters_by_typing", now_board_filters_by_typing),
    ]
}

/// The answer line of a system's row: "Now: Bright MSP · NOC +1 555 0142 · level 2, until Mon 08:00".
fn answer(id: &str) -> String {
    format!("(document.querySelector('#now-{id} .now-answer') || {{}}).textContent")
}

fn now_board_answers_at_business_hours_night_and_weekend(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let url = file_url(&f.out, "now/index.html");
    // (faked clock, system, what its answer line must say)
    let cases: &[(&str, &[(&str, &str)])] = &[
        // Monday 10:00 in New York: Acme's business hours.
        (
            "2026-11-30T10:00:00-05:00",
            &[
                (
                    "m365",
                    "Now: Acme Dental Internal IT · Marcus Lee +1 555 0101 · level 1, until Mon 18:00",
                ),
                ("printers", "Now: Acme Dental Internal IT"),
                ("wifi", "level 1, until Mon 18:00"),
            ],
        ),
        // Tuesday 02:00 (07:00 UTC): the MSP's NOC, and nobody for the printers.
        (
            "2026-12-01T07:00:00Z",
            &[
                (
                    "m365",
                    "Now: Bright MSP · NOC +1 555 0142 · level 2, until Tue 08:00",
                ),
                ("wifi", "Nobody answers now · until Tue 08:00"),
            ],
        ),
        // Saturday 14:00: the weekend, until Monday morning.
        (
            "2026-11-28T14:00:00-05:00",
            &[
                (
                    "m365",
                    "Now: Bright MSP · NOC +1 555 0142 · level 2, until Mon 08:00",
                ),
                ("wifi", "Nobody answers now · until Mon 08:00"),
            ],
        ),
    ];
    for (now, expect) in cases {
        let mut tab = b.chrome().tab(&TabOptions {
            now: Some((*now).into()),
            ..TabOptions::default()
        })?;
        tab.goto(&url)?;
        tab.wait_for(
            "!document.querySelector('#now-m365 .now-answer').hidden",
            Duration::from_secs(5),
        )?;
        for (id, want) in *expect {
            let got = tab.eval(&answer(id))?;
            let got = got
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            ensure(got.contains(want), || {
                format!("at {now}, {id} should say {want:?}; got {got:?}")
            })?;
        }
        // The answering level is marked in the list too, and the clock line names the zone.
        let marked = tab.eval(
            "document.querySelector('#now-m365 .now-level[data-now]').getAttribute('data-level')",
        )?;
        let want_level = if now.starts_with("2026-11-30") {
            "1"
        } else {
            "2"
        };
        ensure(marked.as_str() == Some(want_level), || {
            format!("at {now} level {want_level} of m365 should be marked; got {marked}")
        })?;
        let clock = tab.eval("document.getElementById('now-clock').textContent")?;
        ensure(
            clock
                .as_str()
                .is_some_and(|c| c.contains("America/New_York")),
            || format!("clock line: {clock}"),
        )?;
        let csp = tab.csp_violations();
        ensure(csp.is_empty(), || format!("CSP violations: {csp:?}"))?;
    }
    Ok(())
}

fn now_board_filters_by_typing(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&file_url(&f.out, "now/index.html"))?;
    tab.wait_for(
        "!document.getElementById('now-filter').hidden",
        Duration::from_secs(5),
    )?;
    let visible = "Array.from(document.querySelectorAll('.now-system')).filter(r => !r.hidden).map(r => r.id).join(' ')";
    let all = tab.eval(visible)?;
    let typed = |q: &str| {
        format!(
            "(() => {{ const i = document.getElementById('now-q'); i.value = {q:?}; i.dispatchEvent(new Event('input')); return true; }})()"
        )
    };
    tab.eval(&typed("ringwell"))?;
    let got = tab.eval(visible)?;
    ensure(got.as_str() == Some("now-phones"), || {
        format!("typing a vendor's name should leave its systems only; got {got} of {all}")
    })?;
    tab.eval(&typed("nothing-like-this"))?;
    let none = tab.eval("document.getElementById('now-none').hidden")?;
    ensure(none.as_bool() == Some(false), || {
        "no match should say so".into()
    })?;
    tab.eval(&typed(""))?;
    let back = tab.eval(visible)?;
    ensure(back == all, || {
        format!("clearing the filter should show all again; got {back}")
    })
}
