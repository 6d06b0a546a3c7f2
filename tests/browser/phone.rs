//! Pages on a phone and after the build (issue 13): nothing runs off a 390 px
//! screen, the search dropdown opens below its box, the "/" hint only where there
//! is a keyboard, and the review queue follows the reader's clock.

use crate::cdp::TabOptions;
use crate::shots::PAGE_KINDS;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use serde_json::Value;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "every_page_kind_fits_a_390px_phone",
            every_page_kind_fits_a_390px_phone,
        ),
        (
            "search_dropdown_opens_below_the_box_and_hints_slash_only_with_a_keyboard",
            search_dropdown_opens_below_the_box_and_hints_slash_only_with_a_keyboard,
        ),
        (
            "review_queue_follows_the_readers_clock",
            review_queue_follows_the_readers_clock,
        ),
        (
            "matrix_filter_shows_one_partys_letters",
            matrix_filter_shows_one_partys_letters,
        ),
    ]
}

fn phone() -> TabOptions {
    TabOptions {
        width: 390,
        height: 844,
        mobile: true,
        now: Some("2026-11-28T02:00:00-05:00".into()),
        ..TabOptions::default()
    }
}

/// The page is no wider than the screen, every nav item is on it, and no table
/// (the system page's RACI, the review queue, the stacked matrix) scrolls sideways.
/// Measured against `screen.width`: on a phone `innerWidth` grows with a page
/// that overflows (the layout viewport widens to fit it), so it never tells.
const OVERFLOW: &str = r#"(() => {
  const out = [];
  if (document.documentElement.scrollWidth > screen.width) out.push('page is ' + document.documentElement.scrollWidth + ' px wide');
  document.querySelectorAll('.site-nav a').forEach(a => { if (a.getBoundingClientRect().right > screen.width) out.push('nav item ' + a.textContent + ' off-screen'); });
  document.querySelectorAll('.table-wrap').forEach(w => { if (w.closest('.prose')) return; /* an author's table may scroll */ if (w.offsetParent && w.scrollWidth > w.clientWidth + 1) out.push((w.querySelector('table') || w).className + ' table scrolls sideways: ' + w.scrollWidth + ' > ' + w.clientWidth); });
  return out;
})()"#;

fn every_page_kind_fits_a_390px_phone(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut problems = Vec::new();
    // The review queue again in June 2027, when its overdue table is full.
    let later = [("review in 2027", "review/index.html")];
    for (kind, rel) in PAGE_KINDS.iter().chain(later.iter()) {
        let mut opts = phone();
        if kind.ends_with("2027") {
            opts.now = Some("2027-06-01T12:00:00-04:00".into());
        }
        let mut tab = b.chrome().tab(&opts)?;
        tab.goto(&file_url(&f.out, rel))?;
        tab.wait_for(
            "document.documentElement.classList.contains('js')",
            Duration::from_secs(5),
        )?;
        for p in tab.eval(OVERFLOW)?.as_array().into_iter().flatten() {
            problems.push(format!("{kind}: {}", p.as_str().unwrap_or_default()));
        }
    }
    ensure(problems.is_empty(), || problems.join("\n"))
}

fn search_dropdown_opens_below_the_box_and_hints_slash_only_with_a_keyboard(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let url = file_url(&f.out, "systems/firewall/index.html");
    // Below 384 px the box shares its row with "Menu": the dropdown still
    // takes the screen's width, not the box's.
    for (width, height) in [(390, 844), (320, 693)] {
        let mut tab = b.chrome().tab(&TabOptions {
            width,
            height,
            ..phone()
        })?;
        tab.goto(&url)?;
        let hint = tab.eval("document.getElementById('search-input').placeholder")?;
        ensure(hint == "Search", || {
            format!("no '/' hint on a touch screen; got {hint}")
        })?;
        tab.eval("(() => { const i = document.getElementById('search-input'); i.focus(); i.value = 'vpn'; i.dispatchEvent(new Event('input', { bubbles: true })); })()")?;
        ensure(
            tab.wait_for(
                "(() => { const d = document.querySelector('.search-dropdown'); return d && !d.hidden && d.querySelector('.search-result a'); })()",
                Duration::from_secs(5),
            )?,
            || "typing showed no dropdown".into(),
        )?;
        let geo = tab.eval("(() => { const i = document.getElementById('search-input').getBoundingClientRect(), d = document.querySelector('.search-dropdown').getBoundingClientRect(); return [i.bottom, d.top, d.left, d.right]; })()")?;
        let n = |i: usize| geo[i].as_f64().unwrap_or(f64::NAN);
        let w = f64::from(width);
        ensure(
            n(1) >= n(0) && n(2) >= 0.0 && n(3) <= w && n(3) - n(2) >= w - 40.0,
            || {
                format!(
                    "{width} px: the dropdown should open below the box, on screen and as wide as it; input bottom, dropdown top/left/right: {geo}"
                )
            },
        )?;
    }

    let mut desk = b.chrome().tab(&TabOptions::default())?;
    desk.goto(&url)?;
    desk.wait_for(
        "document.documentElement.classList.contains('js')",
        Duration::from_secs(5),
    )?;
    let hint = desk.eval("document.getElementById('search-input').placeholder")?;
    ensure(hint == "Search (press /)", || {
        format!("the '/' hint with a keyboard and mouse; got {hint}")
    })
}

/// Built on 2026-11-25 (SOURCE_DATE_EPOCH); read in June 2027, runbooks due since
/// then are overdue and the "as of" date is the reader's.
fn review_queue_follows_the_readers_clock(b: &Browser, f: &Fixture) -> Result<(), String> {
    let url = file_url(&f.out, "review/index.html");
    let count = "[document.getElementById('review-overdue-count').textContent, document.getElementById('review-soon-count').textContent, document.getElementById('review-as-of').textContent, document.querySelector('#review-overdue .review-status') && document.querySelector('#review-overdue .review-status').textContent, document.getElementById('review-summary').textContent]";
    let mut at_build = b.chrome().tab(&TabOptions {
        now: Some("2026-11-25T12:00:00-05:00".into()),
        ..TabOptions::default()
    })?;
    at_build.goto(&url)?;
    let before = at_build.eval(count)?;
    ensure(before[0] == "0", || {
        format!("nothing is overdue at the build date; got {before}")
    })?;
    let mut later = b.chrome().tab(&TabOptions {
        now: Some("2027-06-01T12:00:00-04:00".into()),
        ..TabOptions::default()
    })?;
    later.goto(&url)?;
    let after = later.eval(count)?;
    let overdue: u32 = after[0].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
    ensure(
        overdue > 0
            && after[2] == "2027-06-01"
            && after[3]
                .as_str()
                .is_some_and(|s| s.ends_with("days overdue"))
            && after[4].as_str().is_some_and(|s| s.contains("past review")),
        || format!("in June 2027 some runbooks are overdue as of that day; got {after}"),
    )?;
    let visible = later.eval("!document.getElementById('review-overdue-box').hidden")?;
    ensure(visible == Value::Bool(true), || {
        "the overdue table shows once something is overdue".into()
    })
}

fn matrix_filter_shows_one_partys_letters(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&file_url(&f.out, "matrix/index.html"))?;
    tab.wait_for(
        "!document.getElementById('matrix-filter').hidden",
        Duration::from_secs(5),
    )?;
    let shown = tab.eval("(() => { const f = document.getElementById('matrix-filter'); f.elements.party.value = 'bright'; f.elements.letter.value = 'A'; f.dispatchEvent(new Event('change')); return Array.from(document.querySelectorAll('#matrix .raci-cell')).filter(c => !c.hidden).map(c => c.textContent.replace(/\\s+/g, ' ').trim()); })()")?;
    let cells: Vec<&str> = shown
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    ensure(
        !cells.is_empty()
            && cells
                .iter()
                .all(|c| c.starts_with("bright ") && c.contains('A')),
        || format!("only Bright's cells with an A should show; got {cells:?}"),
    )
}
