//! The technician's page on a phone (issue 26), measured at 320 and 390 px:
//! the steps right under one compact call card (the first step's position is
//! printed; at this writing it is ~900 px, not yet on an 844 px screen), a system's runbooks before its RACI and
//! SLA, nothing scrolling sideways, and tap targets of 44 px for every `tel:`
//! link and button in ladders, cards, lists and search results.

use crate::cdp::TabOptions;
use crate::shots::PAGE_KINDS;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "steps_come_first_under_one_compact_call_card_at_320_and_390_px",
            steps_come_first_under_one_compact_call_card_at_320_and_390_px,
        ),
        (
            "no_page_kind_scrolls_sideways_at_320_px_and_tap_targets_are_44_px",
            no_page_kind_scrolls_sideways_at_320_px_and_tap_targets_are_44_px,
        ),
    ]
}

fn phone(width: u32) -> TabOptions {
    TabOptions {
        width,
        height: 844,
        mobile: true,
        now: Some("2026-11-27T10:00:00-05:00".into()),
        ..TabOptions::default()
    }
}

/// Top of the first list item of the page's first ordered list (the first
/// step), in px from the top of the page.
const FIRST_STEP: &str = r#"(() => {
  const li = document.querySelector('.prose ol > li');
  return li ? Math.round(li.getBoundingClientRect().top + scrollY) : -1;
})()"#;

/// What stands between the title and the first step, "" when it is only the
/// compact call card of the first system and the folded rest.
const LAYOUT: &str = r#"(() => {
  const step = document.querySelector('.prose ol > li');
  if (!step) return 'no step';
  const top = e => e.getBoundingClientRect().top + scrollY;
  const shown = e => e.checkVisibility();
  const out = [];
  const cards = [...document.querySelectorAll('.call-card')].filter(shown).filter(c => top(c) < top(step));
  if (cards.length !== 1) out.push(cards.length + ' call cards above the first step');
  document.querySelectorAll('.other-systems').forEach(d => { if (d.open) out.push('other systems unfolded'); });
  document.querySelectorAll('.prose .diagram, .page-meta').forEach(e => { if (top(e) < top(step)) out.push(e.className + ' above the first step'); });
  const fold = document.querySelector('.ladder-fold');
  if (fold && fold.open) out.push('the full ladder is unfolded');
  return out.join('; ');
})()"#;

fn steps_come_first_under_one_compact_call_card_at_320_and_390_px(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut problems = Vec::new();
    for width in [320, 390] {
        for rel in [
            // Two systems and a diagram (below the steps, where its author put it).
            "runbooks/network/internet-outage/index.html",
            "runbooks/accounts/reset-mfa/index.html",
        ] {
            let mut tab = b.chrome().tab(&phone(width))?;
            tab.goto(&file_url(&f.out, rel))?;
            tab.wait_for(
                "!!document.querySelector('.call-card:not([hidden])')",
                Duration::from_secs(5),
            )?;
            let top = tab.eval(FIRST_STEP)?.as_i64().unwrap_or(-1);
            println!("  {width} px {rel}: first step at {top} px");
            // Between the title and the steps: one call card; the other
            // systems' cards folded; diagrams and the page's facts below.
            let layout = tab.eval(LAYOUT)?;
            let layout = layout.as_str().unwrap_or_default();
            if !layout.is_empty() {
                problems.push(format!("{width} px {rel}: {layout}"));
            }
            if top < 0 {
                problems.push(format!("{width} px {rel}: no step found"));
            }
        }
        // A system page: its runbooks before its service levels and RACI.
        let mut tab = b.chrome().tab(&phone(width))?;
        tab.goto(&file_url(&f.out, "systems/firewall/index.html"))?;
        let order = tab.eval(
            "['runbooks','sla','raci'].map(id => Math.round(document.getElementById(id).getBoundingClientRect().top + scrollY))",
        )?;
        let tops: Vec<i64> = order
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_i64()).collect())
            .unwrap_or_default();
        println!("  {width} px system page: runbooks, SLA, RACI at {tops:?}");
        if tops.len() != 3 || tops[0] >= tops[1] || tops[0] >= tops[2] {
            problems.push(format!(
                "{width} px: system page runbooks not before SLA and RACI: {tops:?}"
            ));
        }
    }
    ensure(problems.is_empty(), || problems.join("\n"))
}

/// Horizontal overflow, and every visible `tel:` link and button in ladders,
/// cards, contact lists and search results smaller than 44×44 px (links in
/// prose are exempt, WCAG 2.5.8); other links there lower than 24 px.
const MEASURE: &str = r#"(() => {
  const out = [];
  if (document.documentElement.scrollWidth > innerWidth) out.push('page is ' + document.documentElement.scrollWidth + ' px wide');
  const places = '.ladder, .call-card, .contacts, .search-results, .at-hand, .page-list, .item-list';
  document.querySelectorAll('a[href^="tel:"], button, summary').forEach(e => {
    if (!e.closest(places) || e.closest('.prose p, .prose li')) return;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    if (r.width < 44 || r.height < 44) out.push((e.tagName + ' ' + e.textContent.trim()).slice(0, 40) + ': ' + Math.round(r.width) + '×' + Math.round(r.height));
  });
  document.querySelectorAll('a:not([href^="tel:"])').forEach(e => {
    if (!e.closest(places) || e.closest('.prose p, .prose li')) return;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    if (r.height < 24) out.push('link ' + e.textContent.trim().slice(0, 30) + ': ' + Math.round(r.height) + ' px high');
  });
  return out;
})()"#;

fn no_page_kind_scrolls_sideways_at_320_px_and_tap_targets_are_44_px(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let extra = [
        (
            "runbook, two systems",
            "runbooks/network/internet-outage/index.html",
        ),
        (
            "practice-management",
            "systems/practice-management/index.html",
        ),
    ];
    for width in [320, 390] {
        for (kind, rel) in PAGE_KINDS.iter().chain(extra.iter()) {
            let mut tab = b.chrome().tab(&phone(width))?;
            tab.goto(&file_url(&f.out, rel))?;
            tab.wait_for(
                "document.documentElement.classList.contains('js')",
                Duration::from_secs(5),
            )?;
            // Unfold what is folded, so what it holds is measured too.
            tab.eval("document.querySelectorAll('details').forEach(d => d.open = true)")?;
            for p in tab.eval(MEASURE)?.as_array().into_iter().flatten() {
                problems.push(format!(
                    "{width} px {kind}: {}",
                    p.as_str().unwrap_or_default()
                ));
            }
        }
    }
    problems.dedup();
    ensure(problems.is_empty(), || problems.join("\n"))
}
