//! Markdown as GitHub shows it (issue 14), in Chromium from `file://`: the
//! mermaid diagram of `content-example`'s internet-outage runbook drawn as SVG
//! under the pages' CSP, callouts styled in light, dark and print, and search
//! finding an alert runbook by the parts of its CamelCase name.

use crate::cdp::{Tab, TabOptions};
use crate::{Browser, Fixture, TestFn, ensure, file_url};
use serde_json::json;
use std::time::Duration;

pub fn tests() -> Vec<(&'static str, TestFn)> {
    vec![
        (
            "mermaid_diagram_is_drawn_as_svg_from_file_without_csp_violations",
            mermaid_diagram_is_drawn_as_svg_from_file_without_csp_violations,
        ),
        (
            "diagram_source_is_printed_beside_the_drawing",
            diagram_source_is_printed_beside_the_drawing,
        ),
        (
            "callouts_show_label_and_icon_in_light_dark_and_print",
            callouts_show_label_and_icon_in_light_dark_and_print,
        ),
        (
            "search_finds_the_camelcase_alert_page_by_its_parts",
            search_finds_the_camelcase_alert_page_by_its_parts,
        ),
        (
            "heading_anchors_show_on_hover_and_are_no_tab_stop_nor_read_otherwise",
            heading_anchors_show_on_hover_and_are_no_tab_stop_nor_read_otherwise,
        ),
    ]
}

const OUTAGE: &str = "runbooks/network/internet-outage/index.html";

/// Every `securitypolicyviolation` the page reports, recorded from before
/// its first script (the console check alone could miss one).
fn record_csp(tab: &Tab) -> Result<(), String> {
    tab.send(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "window.__csp = []; document.addEventListener('securitypolicyviolation', \
                 (e) => window.__csp.push(e.violatedDirective + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));" }),
    )
    .map(|_| ())
}

fn no_csp_violation(tab: &mut Tab, what: &str) -> Result<(), String> {
    let events = tab.eval("window.__csp")?;
    let console = tab.csp_violations();
    ensure(events == json!([]) && console.is_empty(), || {
        format!("{what}: CSP violations {events} {console:?}")
    })
}

fn drawn(tab: &mut Tab) -> Result<(), String> {
    // The library is fetched when a diagram comes near the screen, as a
    // reader scrolling down brings it.
    tab.eval("document.querySelector('figure.diagram').scrollIntoView()")?;
    let ok = tab.wait_for(
        "document.querySelector('figure.diagram[data-drawn] .diagram-drawing svg')",
        Duration::from_secs(30),
    )?;
    let error = tab.eval("document.querySelector('figure.diagram') && document.querySelector('figure.diagram').getAttribute('data-error')")?;
    ensure(ok, || {
        format!("the diagram was not drawn (data-error: {error})")
    })
}

fn mermaid_diagram_is_drawn_as_svg_from_file_without_csp_violations(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    record_csp(&tab)?;
    tab.goto(&file_url(&f.out, OUTAGE))?;
    drawn(&mut tab)?;
    // The drawing holds the flowchart's nodes as text, laid out with size.
    let svg = tab.eval(
        "(() => { const s = document.querySelector('figure.diagram .diagram-drawing svg'); \
          const r = s.getBoundingClientRect(); \
          return { text: s.textContent, width: r.width, height: r.height, \
                   nodes: s.querySelectorAll('.node').length, \
                   styled: getComputedStyle(s.querySelector('.node rect, .node polygon')).fill }; })()",
    )?;
    ensure(
        svg["text"]
            .as_str()
            .is_some_and(|t| t.contains("LTE modem shows signal") && t.contains("Fibre only")),
        || format!("diagram text: {svg}"),
    )?;
    ensure(svg["nodes"].as_u64() >= Some(5), || format!("nodes: {svg}"))?;
    ensure(
        svg["width"].as_f64() > Some(200.0) && svg["height"].as_f64() > Some(200.0),
        || format!("size: {svg}"),
    )?;
    // mermaid's stylesheet applied (through the CSSOM): nodes are filled, not black.
    ensure(
        svg["styled"]
            .as_str()
            .is_some_and(|fill| fill != "rgb(0, 0, 0)" && fill != "none"),
        || format!("node fill: {svg}"),
    )?;
    // On screen the drawing replaces the source, and its copy button.
    let shown = tab.eval(
        "Array.from(document.querySelectorAll('figure.diagram .diagram-source, figure.diagram .copy-button'))          .filter((e) => e.getClientRects().length > 0).length",
    )?;
    ensure(shown == json!(0), || {
        format!("source or its copy button still shown on screen: {shown}")
    })?;
    no_csp_violation(&mut tab, OUTAGE)?;
    // A page without a diagram does not load mermaid.
    tab.goto(&file_url(&f.out, "runbooks/network/vpn-down/index.html"))?;
    let loaded = tab.eval("typeof window.mermaid")?;
    ensure(loaded == json!("undefined"), || {
        format!("mermaid loaded on a page without diagrams: {loaded}")
    })
}

fn diagram_source_is_printed_beside_the_drawing(b: &Browser, f: &Fixture) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions {
        print: true,
        ..TabOptions::default()
    })?;
    tab.goto(&file_url(&f.out, OUTAGE))?;
    drawn(&mut tab)?;
    let display = tab.eval(
        "getComputedStyle(document.querySelector('figure.diagram .diagram-source')).display",
    )?;
    ensure(display == json!("block"), || {
        format!("source display in print: {display}")
    })
}

/// Border, label and icon of the first callout of the outage runbook.
const CALLOUT: &str = "(() => { const c = document.querySelector('.markdown-alert-warning'); \
  const t = c.querySelector('.markdown-alert-title'); const cs = getComputedStyle(c); \
  const ts = getComputedStyle(t); const icon = getComputedStyle(t, '::before'); \
  return { role: c.getAttribute('role'), label: t.textContent, border: cs.borderLeftWidth, \
           borderColor: cs.borderLeftColor, background: cs.backgroundColor, color: ts.color, \
           mask: icon.maskImage || icon.webkitMaskImage, iconWidth: icon.width, \
           iconBackground: icon.backgroundColor }; })()";

/// WCAG contrast ratio of two `rgb(r, g, b)` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |c: &str| {
        let v: Vec<f64> = c
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .filter_map(|x| x.trim().parse::<f64>().ok())
            .map(|x| {
                let s = x / 255.0;
                if s <= 0.03928 {
                    s / 12.92
                } else {
                    ((s + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        if v.len() < 3 {
            return 0.0;
        }
        0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn callouts_show_label_and_icon_in_light_dark_and_print(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut seen = Vec::new();
    for (name, opts) in [
        ("light", TabOptions::default()),
        (
            "dark",
            TabOptions {
                dark: true,
                ..TabOptions::default()
            },
        ),
        (
            "print",
            TabOptions {
                print: true,
                ..TabOptions::default()
            },
        ),
    ] {
        let mut tab = b.chrome().tab(&opts)?;
        tab.goto(&file_url(&f.out, OUTAGE))?;
        let c = tab.eval(CALLOUT)?;
        ensure(
            c["role"] == json!("note") && c["label"] == json!("Warning"),
            || format!("{name}: role and label {c}"),
        )?;
        ensure(c["border"] == json!("4px"), || {
            format!("{name}: border {c}")
        })?;
        ensure(
            c["mask"]
                .as_str()
                .is_some_and(|m| m.contains("data:image/svg+xml"))
                && c["iconWidth"] != json!("0px")
                && c["iconWidth"] != json!("auto"),
            || format!("{name}: icon {c}"),
        )?;
        let (color, background) = (
            c["color"].as_str().unwrap_or_default(),
            c["background"].as_str().unwrap_or_default(),
        );
        // Print drops backgrounds: the label is read against the paper.
        let paper = if name == "print" {
            "rgb(255, 255, 255)"
        } else {
            background
        };
        let ratio = contrast(color, paper);
        ensure(ratio >= 4.5, || {
            format!("{name}: label contrast {ratio:.2} ({color} on {paper})")
        })?;
        seen.push(color.to_string());
        let csp = tab.csp_violations();
        ensure(csp.is_empty(), || format!("{name}: CSP violations {csp:?}"))?;
    }
    ensure(seen[0] != seen[1], || {
        format!("the label keeps its light colour in dark mode: {seen:?}")
    })
}

fn search_finds_the_camelcase_alert_page_by_its_parts(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    for q in ["wan%20link%20down", "WanLinkDown", "wanlink"] {
        tab.goto(&(file_url(&f.out, "search/index.html") + "?q=" + q))?;
        let found = tab.wait_for(
            "document.querySelector('#search-results a')",
            Duration::from_secs(10),
        )?;
        ensure(found, || format!("{q}: no results"))?;
        let first = tab.eval("document.querySelector('#search-results a').getAttribute('href')")?;
        ensure(
            first == json!("../runbooks/network/WanLinkDown/index.html"),
            || format!("{q}: first result {first}"),
        )?;
    }
    Ok(())
}

/// The links named `#` the accessibility tree holds (what a screen reader reads).
fn hash_links(tab: &mut Tab) -> Result<usize, String> {
    let tree = tab.send("Accessibility.getFullAXTree", json!({}))?;
    Ok(tree["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .filter(|n| {
                    n["ignored"] != json!(true)
                        && n["role"]["value"] == json!("link")
                        && n["name"]["value"] == json!("#")
                })
                .count()
        })
        .unwrap_or(0))
}

fn key(tab: &mut Tab, key: &str, code: u32) -> Result<(), String> {
    for kind in ["keyDown", "keyUp"] {
        tab.send(
            "Input.dispatchKeyEvent",
            json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
        )?;
    }
    Ok(())
}

/// A heading's `#` self-link is for copying a deep link with a mouse: it shows
/// when the heading is hovered, and otherwise (hidden by cairn.css alone, the
/// markup has no aria-hidden or tabindex) Tab never stops on it and the
/// accessibility tree does not hold it, so headings do not read as links.
fn heading_anchors_show_on_hover_and_are_no_tab_stop_nor_read_otherwise(
    b: &Browser,
    f: &Fixture,
) -> Result<(), String> {
    let mut tab = b.chrome().tab(&TabOptions::default())?;
    tab.goto(&file_url(&f.out, OUTAGE))?;
    tab.wait_for("window.cairn", Duration::from_secs(5))?;
    let anchors = tab.eval(
        "Array.from(document.querySelectorAll('.prose a.anchor')).map(a => [a.getAttribute('href'), '#' + a.parentElement.id, a.attributes.length, getComputedStyle(a).visibility])",
    )?;
    let anchors = anchors.as_array().cloned().unwrap_or_default();
    ensure(anchors.len() >= 2, || {
        format!("the outage runbook's headings have anchors; got {anchors:?}")
    })?;
    for a in &anchors {
        ensure(
            a[0] == a[1] && a[2] == json!(2) && a[3] == json!("hidden"),
            || format!("an anchor links its heading's id, with class and href only, hidden: {a}"),
        )?;
    }
    ensure(hash_links(&mut tab)? == 0, || {
        "a hidden heading anchor is in the accessibility tree".into()
    })?;
    // Tab through the whole page: focus never lands on an anchor.
    let stops = tab
        .eval("document.querySelectorAll('a[href], input, button, summary, [tabindex]').length")?
        .as_u64()
        .unwrap_or(0);
    for _ in 0..stops + 2 {
        key(&mut tab, "Tab", 9)?;
        let on = tab.eval("document.activeElement.matches('a.anchor')")?;
        ensure(on == json!(false), || {
            "Tab stopped on a heading anchor".into()
        })?;
    }
    // Hovered, the heading shows its anchor, a link a screen reader can reach too.
    let at = tab.eval(
        "(() => { const h = document.querySelector('.prose a.anchor').parentElement; h.scrollIntoView(); const r = h.getBoundingClientRect(); return [r.left + 5, r.top + r.height / 2]; })()",
    )?;
    tab.send(
        "Input.dispatchMouseEvent",
        json!({ "type": "mouseMoved", "x": at[0], "y": at[1] }),
    )?;
    let shown =
        tab.eval("getComputedStyle(document.querySelector('.prose a.anchor')).visibility")?;
    ensure(shown == json!("visible"), || {
        format!("the hovered heading's anchor should show; visibility {shown}")
    })?;
    ensure(hash_links(&mut tab)? == 1, || {
        "the hovered heading's anchor is a link".into()
    })
}
