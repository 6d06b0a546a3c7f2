//! The technician's page on a phone (issue 26), measured at 320 and 390 px:
//! the steps right under one compact call card (every example runbook's first
//! step on the first screen of a 320×693 and of a 390×844 phone; the positions
//! are printed), a system's runbooks before its RACI and SLA, nothing scrolling
//! sideways, with or without script, and tap targets of 44 px for every `tel:`
//! link and button in ladders, cards, lists and search results.

use crate::cdp::TabOptions;
use crate::shots::PAGE_KINDS;
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use serde_json::json;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "steps_come_first_under_one_compact_call_card_at_320_and_390_px",
            steps_come_first_under_one_compact_call_card_at_320_and_390_px,
        ),
        (
            "sections_fold_behind_menu_on_a_phone_with_or_without_script",
            sections_fold_behind_menu_on_a_phone_with_or_without_script,
        ),
        (
            "without_script_a_runbook_at_320_px_shows_its_ladder_and_no_empty_card",
            without_script_a_runbook_at_320_px_shows_its_ladder_and_no_empty_card,
        ),
        (
            "no_page_kind_scrolls_sideways_at_320_px_and_tap_targets_are_44_px",
            no_page_kind_scrolls_sideways_at_320_px_and_tap_targets_are_44_px,
        ),
        (
            "diagrams_load_late_in_a_reserved_box_over_http",
            diagrams_load_late_in_a_reserved_box_over_http,
        ),
        (
            "not_found_at_depth_three_is_styled_with_working_links_and_search",
            not_found_at_depth_three_is_styled_with_working_links_and_search,
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
    let mut runbooks: Vec<String> = walkdir::WalkDir::new(f.out.join("runbooks"))
        .min_depth(3)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(&f.out)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    runbooks.sort();
    ensure(runbooks.len() > 10, || {
        format!("only {} runbooks", runbooks.len())
    })?;
    // The screens of a 390×844 phone and of the same phone zoomed (iPhone
    // "Display Zoom"), 320×693.
    for (width, height) in [(390, 844), (320, 693)] {
        for rel in &runbooks {
            let mut tab = b.chrome().tab(&TabOptions {
                height,
                ..phone(width)
            })?;
            tab.goto(&file_url(&f.out, rel))?;
            tab.wait_for(
                "!!document.querySelector('.call-card:not([hidden])')",
                Duration::from_secs(5),
            )?;
            let [step, prose, ladders] = [
                FIRST_STEP,
                "Math.round(document.querySelector('.prose').getBoundingClientRect().top + scrollY)",
                "Math.round(document.querySelector('.ladders').getBoundingClientRect().top + scrollY)",
            ]
            .map(|js| tab.eval(js).ok().and_then(|v| v.as_i64()).unwrap_or(-1));
            println!(
                "  {width}×{height} {rel}: first step at {step} px; the author's text from {prose} px, the call card and folds {} px of it",
                prose - ladders
            );
            if let Some(dir) = std::env::var_os("CAIRN_SHOTS") {
                let name = format!("techpage-{width}-{}.png", rel.replace('/', "_"));
                tab.screenshot(&std::path::Path::new(&dir).join(name))?;
            }
            if step < 0 {
                problems.push(format!("{width} px {rel}: no step found"));
            }
            // Between the title and the steps: one call card; the other
            // systems' cards folded; diagrams and the page's facts below.
            let layout = tab.eval(LAYOUT)?;
            let layout = layout.as_str().unwrap_or_default();
            if !layout.is_empty() {
                problems.push(format!("{width} px {rel}: {layout}"));
            }
            // On a 390×844 phone and on a 320×693 one every example runbook's
            // first step is on the first screen, its first line whole: the
            // example's runbooks open with their steps.
            if step + 24 > i64::from(height) {
                problems.push(format!(
                    "{width}×{height} {rel}: the first step is at {step} px, below the first screen"
                ));
            }
            // Unfolded, the full ladder and the other systems fit the width.
            let wide = tab.eval(
                "document.querySelectorAll('details').forEach(d => d.open = true), document.documentElement.scrollWidth",
            )?;
            if wide.as_i64() > Some(i64::from(width)) {
                problems.push(format!(
                    "{width} px {rel}: unfolded, the page is {wide} px wide"
                ));
            }
        }
    }
    for width in [320, 390] {
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

/// The header's sections: on a phone behind "Menu", a 44 px button that opens
/// them as 44 px rows on the screen, with or without JavaScript; on a desktop
/// shown as a row, the button hidden.
fn sections_fold_behind_menu_on_a_phone_with_or_without_script(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    const STATE: &str = r#"(() => {
      const s = document.querySelector('.site-menu > summary').getBoundingClientRect();
      const links = [...document.querySelectorAll('.site-nav a')];
      return {
        button: s.width > 0 ? [Math.round(s.width), Math.round(s.height)] : null,
        shown: links.filter(a => a.checkVisibility()).length,
        links: links.length,
        low: links.filter(a => a.checkVisibility() && a.getBoundingClientRect().height < 44).length,
        outside: links.filter(a => a.checkVisibility() && a.getBoundingClientRect().right > screen.width).length,
      };
    })()"#;
    let url = file_url(&f.out, "runbooks/network/vpn-down/index.html");
    for script in [true, false] {
        let mut tab = b.chrome().tab(&phone(320))?;
        if !script {
            tab.send(
                "Emulation.setScriptExecutionDisabled",
                json!({ "value": true }),
            )?;
        }
        tab.goto(&url)?;
        let closed = tab.eval(STATE)?;
        let button = closed["button"].as_array().cloned().unwrap_or_default();
        ensure(
            button.len() == 2 && button.iter().all(|v| v.as_i64() >= Some(44)),
            || format!("script {script}: the Menu button is not 44×44 px: {closed}"),
        )?;
        ensure(closed["shown"] == json!(0), || {
            format!("script {script}: sections shown before Menu is opened: {closed}")
        })?;
        // Opened as a tap would (a click on the summary toggles the fold).
        tab.send(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": false }),
        )?;
        tab.eval("document.querySelector('.site-menu > summary').click()")?;
        let open = tab.eval(STATE)?;
        ensure(
            open["shown"] == open["links"]
                && open["links"].as_u64() > Some(3)
                && open["low"] == json!(0)
                && open["outside"] == json!(0),
            || format!("script {script}: the opened menu: {open}"),
        )?;
    }
    let mut desk = b.chrome().tab(&TabOptions::default())?;
    desk.goto(&url)?;
    let wide = desk.eval(STATE)?;
    ensure(
        wide["button"].is_null() && wide["shown"] == wide["links"],
        || format!("on a desktop the sections show as a row, no Menu button: {wide}"),
    )
}

/// Without JavaScript the call cards stay hidden (no empty box where a card
/// would be), the ladder's heading shows over the full ladder, unfolded, and
/// nothing scrolls sideways at 320 px.
fn without_script_a_runbook_at_320_px_shows_its_ladder_and_no_empty_card(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    const STATE: &str = r#"(() => {
      const shown = e => e.checkVisibility();
      const h2 = document.querySelector('.ladder h2');
      return {
        cards: [...document.querySelectorAll('.call-card')].filter(shown).length,
        heading: h2.getBoundingClientRect().height > 10,
        ladder: document.querySelector('.ladder-fold').open,
        levels: [...document.querySelectorAll('.ladder-fold .level')].filter(shown).length,
        width: document.documentElement.scrollWidth,
      };
    })()"#;
    for rel in [
        "runbooks/backup/restore-file/index.html",
        "runbooks/devices/printer-offline/index.html",
    ] {
        let mut tab = b.chrome().tab(&phone(320))?;
        tab.send(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": true }),
        )?;
        tab.goto(&file_url(&f.out, rel))?;
        tab.send(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": false }),
        )?;
        let state = tab.eval(STATE)?;
        ensure(
            state["cards"] == json!(0)
                && state["heading"] == json!(true)
                && state["ladder"] == json!(true)
                && state["levels"].as_u64() >= Some(2)
                && state["width"] == json!(320),
            || format!("{rel} without script at 320 px: {state}"),
        )?;
    }
    Ok(())
}

/// Horizontal overflow (against `screen.width`, see `phone::OVERFLOW`), and
/// every visible `tel:` link and button in ladders, cards, contact lists and
/// search results smaller than 44×44 px (links in prose are exempt, WCAG
/// 2.5.8); other links there lower than 24 px; links running out of their
/// call card or ladder level.
const MEASURE: &str = r#"(() => {
  const out = [];
  if (document.documentElement.scrollWidth > screen.width) out.push('page is ' + document.documentElement.scrollWidth + ' px wide');
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
  // No link runs past the padding of its call card or ladder level.
  document.querySelectorAll('.call-card a, .level a').forEach(e => {
    const box = e.closest('.call-card, .level'), r = e.getBoundingClientRect();
    if (!e.checkVisibility()) return;
    const s = getComputedStyle(box), edge = box.getBoundingClientRect().right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight);
    if (r.right > edge + 1) out.push('link ' + e.textContent.trim().slice(0, 30) + ' sticks out of its card by ' + Math.round(r.right - edge) + ' px');
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
        // The 404 page links from `base_url` (a server answers it at any
        // depth): it is measured over HTTP below, not from file://.
        for (kind, rel) in PAGE_KINDS
            .iter()
            .filter(|(kind, _)| *kind != "404")
            .chain(extra.iter())
        {
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
        // Christmas Day: nobody answers, and the card links the escalation
        // guide and says until when.
        let mut tab = b.chrome().tab(&TabOptions {
            now: Some("2026-12-25T11:00:00-05:00".into()),
            ..phone(width)
        })?;
        tab.goto(&file_url(
            &f.out,
            "runbooks/devices/printer-offline/index.html",
        ))?;
        tab.wait_for(
            "!!document.querySelector('.call-card:not([hidden]) .call-guide')",
            Duration::from_secs(5),
        )?;
        for p in tab.eval(MEASURE)?.as_array().into_iter().flatten() {
            problems.push(format!(
                "{width} px, nobody answering: {}",
                p.as_str().unwrap_or_default()
            ));
        }
    }
    problems.dedup();
    ensure(problems.is_empty(), || problems.join("\n"))
}

/// Over HTTP from `cairn serve` (under `file://` what a page fetches is not
/// observable): the outage runbook fetches no diagram library until its
/// diagram nears the screen, draws it in the box it reserved, and a page
/// without a diagram never fetches it.
fn diagrams_load_late_in_a_reserved_box_over_http(b: &Browser, f: &Fixture) -> Result<(), String> {
    let server = crate::Server::start(&f.site);
    let fetched = "performance.getEntriesByType('resource').some(e => e.name.includes('mermaid'))";
    let mut tab = b.chrome().tab(&phone(390))?;
    tab.goto(&format!(
        "{}/runbooks/network/internet-outage/index.html",
        server.url
    ))?;
    tab.wait_for(
        "document.documentElement.classList.contains('js')",
        Duration::from_secs(10),
    )?;
    let early = tab.eval(fetched)?;
    ensure(early == json!(false), || {
        "the diagram library was fetched before the diagram came near the screen".into()
    })?;
    let steps = tab.eval(FIRST_STEP)?.as_i64().unwrap_or(-1);
    ensure(steps > 0, || "the steps are not laid out".into())?;
    const BOX: &str = "(() => { const f = document.querySelector('figure.diagram'); const n = f.nextElementSibling; \
        return [Math.round(f.getBoundingClientRect().height), Math.round(n.getBoundingClientRect().top + scrollY)]; })()";
    let before = tab.eval(BOX)?;
    tab.eval("document.querySelector('figure.diagram').scrollIntoView()")?;
    let drawn = tab.wait_for(
        "!!document.querySelector('figure.diagram[data-drawn] svg')",
        Duration::from_secs(30),
    )?;
    ensure(drawn, || "the diagram was not drawn".into())?;
    ensure(tab.eval(fetched)? == json!(true), || {
        "the library was not fetched".into()
    })?;
    let after = tab.eval(BOX)?;
    println!("  diagram box and the next element's top: {before} before, {after} after drawing");
    ensure(before == after, || {
        format!("drawing moved the page: box and next top {before} before, {after} after")
    })?;
    ensure(
        tab.eval(FIRST_STEP)?.as_i64().unwrap_or(-1) == steps,
        || "drawing moved the steps".into(),
    )?;

    tab.goto(&format!(
        "{}/runbooks/network/vpn-down/index.html",
        server.url
    ))?;
    tab.eval("scrollTo(0, document.body.scrollHeight)")?;
    std::thread::sleep(Duration::from_millis(300));
    ensure(tab.eval(fetched)? == json!(false), || {
        "a page without a diagram fetched the library".into()
    })
}

/// A missing page three folders down: the 404 page, styled, with working
/// links and a search for the missing page's words.
fn not_found_at_depth_three_is_styled_with_working_links_and_search(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let server = crate::Server::start(&f.site);
    let mut tab = b.chrome().tab(&phone(320))?;
    tab.goto(&format!("{}/runbooks/network/old/reset-router", server.url))?;
    tab.wait_for(
        "document.documentElement.classList.contains('js')",
        Duration::from_secs(10),
    )?;
    let styled =
        tab.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle")?;
    ensure(styled == json!("solid"), || {
        format!("the 404 page is unstyled (header border {styled})")
    })?;
    ensure(
        tab.eval("document.getElementById('not-found-q').value")? == json!("reset router"),
        || "the search box is not filled with the missing page's words".into(),
    )?;
    // Every link (not a #fragment) answers 200.
    tab.eval(
        "window.__links = null; Promise.all([...document.querySelectorAll('a[href]')] \
           .filter(a => !a.getAttribute('href').startsWith('#')) \
           .map(a => fetch(a.href).then(r => r.ok ? null : a.getAttribute('href') + ' ' + r.status))) \
           .then(r => { window.__links = r.filter(x => x); })",
    )?;
    tab.wait_for("window.__links !== null", Duration::from_secs(20))?;
    let broken = tab.eval("window.__links")?;
    ensure(broken == json!([]), || {
        format!("broken links on the 404 page: {broken}")
    })?;
    tab.eval("document.querySelectorAll('details').forEach(d => d.open = true)")?;
    let small = tab.eval(MEASURE)?;
    ensure(small == json!([]), || format!("404 at 320 px: {small}"))?;
    let count = tab.eval("document.querySelectorAll('a[href]').length")?;
    ensure(count.as_u64() > Some(5), || format!("only {count} links"))?;
    // The search answers.
    tab.eval(
        "document.getElementById('not-found-q').value = 'internet outage'; \
         document.querySelector('.not-found-search').submit()",
    )?;
    let found = tab.wait_for(
        "location.pathname.endsWith('/search/index.html') && document.querySelectorAll('#search-results a').length > 0",
        Duration::from_secs(10),
    )?;
    ensure(found, || "searching from the 404 page found nothing".into())
}
