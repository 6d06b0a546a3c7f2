//! Accessibility: axe-core on every page kind, in both builds, light and dark,
//! on a desktop and a phone at 390 and 320 px; any violation of impact serious or critical fails.
//!
//! axe-core is vendored under its licence (MPL-2.0) in `tests/browser/vendor/axe-core/`
//! (`axe.min.js` from `npm pack axe-core@4`, with its LICENSE files); see docs/content/guide/the-site.md (Accessibility).

use crate::cdp::TabOptions;
use crate::shots::PAGE_KINDS;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use std::time::Duration;

const AXE: &str = include_str!("vendor/axe-core/axe.min.js");

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![(
        "axe_finds_no_serious_or_critical_violation_on_any_page_kind",
        axe_finds_no_serious_or_critical_violation_on_any_page_kind,
    )]
}

/// Serious and critical violations, one line each: rule, impact, the first nodes.
const RUN: &str = r#"axe.run(document, { resultTypes: ['violations'] }).then(r =>
  r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    v.id + ' (' + v.impact + ', ' + v.nodes.length + ' nodes): ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)).join(' | ')))"#;

fn axe_finds_no_serious_or_critical_violation_on_any_page_kind(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut runs = 0;
    for (build, out) in [("client", f.out.as_path()), ("internal", f.internal())] {
        // The 404 page links from `base_url` (`/`), as a server answers it at
        // any depth: it is read over HTTP, where those links resolve.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let _server = crate::offline::Serve::start(out, port)?;
        for (kind, rel) in PAGE_KINDS {
            for (width, height, mobile) in [(1280, 800, false), (390, 844, true), (320, 693, true)]
            {
                for dark in [false, true] {
                    let mut tab = b.chrome().tab(&TabOptions {
                        width,
                        height,
                        mobile,
                        dark,
                        print: false,
                        // Saturday 02:00: closed, open and answering levels all shown.
                        now: Some("2026-11-28T02:00:00-05:00".into()),
                    })?;
                    if *kind == "404" {
                        tab.goto(&format!("http://127.0.0.1:{port}/{rel}"))?;
                    } else {
                        tab.goto(&file_url(out, rel))?;
                    }
                    tab.wait_for(
                        "document.documentElement.classList.contains('js')",
                        Duration::from_secs(5),
                    )?;
                    if kind == &"search" {
                        tab.wait_for(
                            "document.querySelector('#search-results a')",
                            Duration::from_secs(5),
                        )?;
                    }
                    tab.inject(AXE)?;
                    let found = tab.eval(RUN)?;
                    runs += 1;
                    for v in found.as_array().into_iter().flatten() {
                        problems.push(format!(
                            "{build} {kind} {width}px {}: {}",
                            if dark { "dark" } else { "light" },
                            v.as_str().unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    ensure(runs == 2 * PAGE_KINDS.len() * 6, || {
        format!("axe ran {runs} times")
    })?;
    ensure(problems.is_empty(), || {
        format!(
            "{} serious/critical axe violations:\n{}",
            problems.len(),
            problems.join("\n")
        )
    })
}
