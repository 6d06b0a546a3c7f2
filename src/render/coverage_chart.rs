//! Weekly coverage charts: who answers when, drawn at build time as inline SVG.
//!
//! A chart is 7 days × 24 hours in the site's timezone, exact to the minute:
//! one strip per ladder level, then a "first to answer" strip where the
//! minutes nobody answers are hatched and listed in words. The strips are SVG
//! stretched to the page's width (`preserveAspectRatio="none"`, one unit per
//! minute); their labels, legend and text alternative are HTML, so they stay
//! readable from a phone to paper. Colours come from CSS classes (`cov-p0`…),
//! never `style=` attributes, so the pages' CSP (`style-src 'self'`) holds.
//!
//! The first-to-answer computation lives here too: the now board and
//! `cairn.json` use [`first_answer`] and [`uncovered`], so a chart, the board
//! and the data file cannot disagree.

use crate::audience::{SiteView, SystemView};
use crate::markdown::escape_html;
use crate::model::{HoursSpec, MINUTES_PER_WEEK, WeekMask};
use std::fmt::Write as _;

/// How many party colours the theme defines (`.cov-p0` … `.cov-p7`).
pub(crate) const PALETTE: usize = 8;
const DAY: usize = 24 * 60;
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A stretch of the week `[start, end)` (Monday 00:00 = 0) during which the
/// same ladder level answers first; `level` is an index into the ladder, `None`
/// when nobody answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub start: usize,
    pub end: usize,
    pub level: Option<usize>,
}

/// The week cut where the first level to answer changes. Levels are tried in
/// order: the first whose hours contain a minute answers it (SPEC, "Ladder timing").
pub(crate) fn first_answer(levels: &[&HoursSpec]) -> Vec<Segment> {
    let spans: Vec<Vec<(usize, usize)>> = levels.iter().map(|h| h.week_spans()).collect();
    let mut cuts = vec![0, MINUTES_PER_WEEK];
    for &(a, b) in spans.iter().flatten() {
        cuts.push(a.min(MINUTES_PER_WEEK));
        cuts.push(b.min(MINUTES_PER_WEEK));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Segment> = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        // Coverage is constant between two cuts, so its first minute decides.
        let level = spans
            .iter()
            .position(|s| s.iter().any(|&(a, b)| a <= start && start < b));
        match out.last_mut() {
            Some(last) if last.level == level => last.end = end,
            _ => out.push(Segment { start, end, level }),
        }
    }
    out
}

/// The windows nobody answers, as [`WeekMask::gaps`] reports them (and so as
/// `coverage-gap` names them): a window over Sunday midnight is one span whose
/// end passes the end of the week.
pub(crate) fn uncovered(segments: &[Segment]) -> Vec<(usize, usize)> {
    let mut gaps: Vec<(usize, usize)> = segments
        .iter()
        .filter(|s| s.level.is_none())
        .map(|s| (s.start, s.end))
        .collect();
    if gaps.len() > 1 && gaps[0].0 == 0 && gaps.last().is_some_and(|g| g.1 == MINUTES_PER_WEEK) {
        let first = gaps.remove(0);
        if let Some(last) = gaps.last_mut() {
            last.1 = MINUTES_PER_WEEK + first.1;
        }
    }
    gaps
}

/// `sat 08:00–mon 08:00`, the words `coverage-gap` uses.
pub(crate) fn describe(span: (usize, usize)) -> String {
    WeekMask::describe_span(span)
}

/// A span as a chart's tooltip says it: `all day, every day` for the whole
/// week, else `Mon 00:00–Tue 00:00` (a whole day ends at the next day's
/// midnight, never at its own).
fn tooltip((start, end): (usize, usize)) -> String {
    if end.saturating_sub(start) >= MINUTES_PER_WEEK {
        return "all day, every day".to_string();
    }
    let words = describe((start, end));
    let mut out = String::with_capacity(words.len());
    let mut upper = true;
    for c in words.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '–';
    }
    out
}

/// The colour class of a party: its place in `parties.yaml`, so one party has
/// one colour on every page of the site.
pub(crate) fn colour_of(view: &SiteView, party_id: &str) -> usize {
    view.parties
        .iter()
        .position(|p| p.id == party_id)
        .unwrap_or(0)
        % PALETTE
}

/// The first-to-answer segments of one system's ladder.
pub(crate) fn system_segments(system: &SystemView) -> Vec<Segment> {
    let hours: Vec<&HoursSpec> = system.ladder.iter().map(|l| &l.hours).collect();
    first_answer(&hours)
}

/// What one strip shows: minute spans, each with a colour class (or hatching).
struct Strip {
    /// `(start, end, class, tooltip)`; `end` ≤ the end of the week.
    spans: Vec<(usize, usize, String, String)>,
    /// For screen readers: the strip in words.
    label: String,
}

fn strip_svg(out: &mut String, strip: &Strip, first: bool) {
    let _ = write!(
        out,
        "<svg class=\"cov-strip{}\" viewBox=\"0 0 {MINUTES_PER_WEEK} 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\">",
        if first { " cov-strip-first" } else { "" },
        escape_html(&strip.label)
    );
    out.push_str("<rect class=\"cov-bg\" x=\"0\" y=\"0\" width=\"10080\" height=\"10\"/>");
    for (a, b, class, tip) in &strip.spans {
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{a}\" y=\"0\" width=\"{}\" height=\"10\"><title>{}</title></rect>",
            b - a,
            escape_html(tip)
        );
    }
    // Day boundaries, and a fainter line at noon.
    for d in 0..7 {
        if d > 0 {
            let _ = write!(
                out,
                "<line class=\"cov-day\" x1=\"{0}\" y1=\"0\" x2=\"{0}\" y2=\"10\" vector-effect=\"non-scaling-stroke\"/>",
                d * DAY
            );
        }
        let _ = write!(
            out,
            "<line class=\"cov-noon\" x1=\"{0}\" y1=\"0\" x2=\"{0}\" y2=\"10\" vector-effect=\"non-scaling-stroke\"/>",
            d * DAY + DAY / 2
        );
    }
    out.push_str("</svg>");
}

/// Split a span that passes the end of the week in two.
fn wrap(a: usize, b: usize) -> Vec<(usize, usize)> {
    if b <= MINUTES_PER_WEEK {
        vec![(a, b)]
    } else {
        vec![(a, MINUTES_PER_WEEK), (0, b - MINUTES_PER_WEEK)]
    }
}

fn days_header(out: &mut String) {
    out.push_str("<div class=\"cov-days\" aria-hidden=\"true\"><span class=\"cov-corner\"></span><span class=\"cov-daynames\">");
    for d in DAY_NAMES {
        let _ = write!(out, "<span>{d}</span>");
    }
    out.push_str("</span></div>");
}

fn spans_text(spans: &[(usize, usize)]) -> String {
    spans
        .iter()
        .map(|&s| describe(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `<defs>` every page with charts needs once: the hatching of uncovered time.
pub(crate) const DEFS: &str = "<svg class=\"cov-defs\" aria-hidden=\"true\" focusable=\"false\" width=\"0\" height=\"0\"><defs><pattern id=\"cov-hatch\" patternUnits=\"userSpaceOnUse\" width=\"90\" height=\"10\"><rect class=\"cov-hatch-bg\" x=\"0\" y=\"0\" width=\"90\" height=\"10\"/><path class=\"cov-hatch-line\" d=\"M0 10 L45 0 M45 10 L90 0\" vector-effect=\"non-scaling-stroke\"/></pattern></defs></svg>";

/// The chart of one system: one strip per ladder level, then who answers first.
pub(crate) fn system_chart(view: &SiteView, system: &SystemView) -> String {
    let segments = system_segments(system);
    let gaps = uncovered(&segments);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<figure class=\"coverage\" id=\"coverage\" data-uncovered=\"{}\">{DEFS}<figcaption><strong>Coverage through the week</strong> <span class=\"muted\">(times are {})</span></figcaption>",
        escape_html(
            &gaps
                .iter()
                .map(|&g| describe(g))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        escape_html(&view.config.timezone.0),
    );
    days_header(&mut out);
    out.push_str("<ol class=\"cov-rows\">");
    for l in &system.ladder {
        let colour = colour_of(view, l.party.id);
        let spans = l.hours.week_spans();
        let what = format!("Level {} · {}", l.level, l.party.name);
        let strip = Strip {
            spans: spans
                .iter()
                .map(|&(a, b)| {
                    (
                        a,
                        b.min(MINUTES_PER_WEEK),
                        format!("cov-p{colour}"),
                        format!("{what}: {}", tooltip((a, b))),
                    )
                })
                .collect(),
            label: format!("{what} answers {}", l.hours.describe()),
        };
        let _ = write!(
            out,
            "<li class=\"cov-row\"><span class=\"cov-label\"><span class=\"cov-sw cov-p{colour}\" aria-hidden=\"true\"></span><span class=\"cov-no\">{}</span> {} <span class=\"muted\">{}</span></span>",
            l.level,
            escape_html(l.party.name),
            escape_html(&l.hours_name),
        );
        strip_svg(&mut out, &strip, false);
        out.push_str("</li>");
    }
    let first = first_strip(view, system, &segments);
    out.push_str("<li class=\"cov-row cov-row-first\"><span class=\"cov-label\"><strong>First to answer</strong></span>");
    strip_svg(&mut out, &first, true);
    out.push_str("</li></ol>");
    legend(
        &mut out,
        view,
        system.ladder.iter().map(|l| l.party.id),
        true,
    );
    gaps_line(&mut out, &gaps, system.ladder.is_empty());
    out.push_str("<details class=\"cov-text\"><summary>The week as text</summary><ul>");
    for s in &segments {
        let who = match s.level.and_then(|i| system.ladder.get(i)) {
            Some(l) => format!("{} (level {})", escape_html(l.party.name), l.level),
            None => "<strong>nobody answers</strong>".into(),
        };
        let _ = write!(out, "<li>{}: {who}</li>", describe((s.start, s.end)));
    }
    out.push_str("</ul></details></figure>");
    out
}

fn first_strip(view: &SiteView, system: &SystemView, segments: &[Segment]) -> Strip {
    let mut spans = Vec::new();
    let mut words = Vec::new();
    for s in segments {
        let (class, who) = match s.level.and_then(|i| system.ladder.get(i)) {
            Some(l) => (
                format!("cov-p{}", colour_of(view, l.party.id)),
                format!("{} (level {})", l.party.name, l.level),
            ),
            None => ("cov-none".to_string(), "nobody answers".to_string()),
        };
        let when = describe((s.start, s.end));
        words.push(format!("{when} {who}"));
        spans.push((s.start, s.end, class, format!("{when}: {who}")));
    }
    Strip {
        spans,
        label: format!("First to answer: {}", words.join("; ")),
    }
}

fn legend<'p>(
    out: &mut String,
    view: &SiteView,
    parties: impl Iterator<Item = &'p str>,
    with_gap: bool,
) {
    let mut seen: Vec<&str> = Vec::new();
    for id in parties {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    out.push_str("<ul class=\"cov-legend\">");
    for id in seen {
        if let Some(p) = view.party(id) {
            let _ = write!(
                out,
                "<li><span class=\"cov-sw cov-p{}\" aria-hidden=\"true\"></span>{}</li>",
                colour_of(view, id),
                escape_html(p.name)
            );
        }
    }
    if with_gap {
        out.push_str("<li><span class=\"cov-sw cov-sw-none\" aria-hidden=\"true\"></span>nobody answers (hatched)</li>");
    }
    out.push_str("</ul>");
}

fn gaps_line(out: &mut String, gaps: &[(usize, usize)], no_ladder: bool) {
    if no_ladder {
        out.push_str("<p class=\"cov-gaps gap\"><strong>Nobody answers at any hour:</strong> this system has no escalation ladder.</p>");
    } else if gaps.is_empty() {
        out.push_str(
            "<p class=\"cov-gaps cov-ok\">Someone answers at every minute of the week.</p>",
        );
    } else {
        let _ = write!(
            out,
            "<p class=\"cov-gaps gap\"><strong>Nobody answers:</strong> {}</p>",
            escape_html(&spans_text(gaps))
        );
    }
}

/// The chart of one party: per system whose ladder it is on, when it answers
/// first (solid) and when it stands behind an earlier level (light).
pub(crate) fn party_chart(view: &SiteView, party_id: &str, root: &str) -> Option<String> {
    let party = view.party(party_id)?;
    let colour = colour_of(view, party_id);
    let mut rows = String::new();
    let mut first_total: Vec<(usize, usize)> = Vec::new();
    for s in &view.systems {
        let levels: Vec<usize> = s
            .ladder
            .iter()
            .filter(|l| l.party.id == party_id)
            .map(|l| l.level)
            .collect();
        if levels.is_empty() {
            continue;
        }
        let segments = system_segments(s);
        let mut spans = Vec::new();
        // Minutes it is on the ladder at all (any of its levels open)…
        let mut on: Vec<(usize, usize)> = s
            .ladder
            .iter()
            .filter(|l| l.party.id == party_id)
            .flat_map(|l| l.hours.week_spans())
            .collect();
        on.sort_unstable();
        for (a, b) in on {
            for (a, b) in wrap(a, b) {
                spans.push((
                    a,
                    b,
                    format!("cov-p{colour} cov-later"),
                    format!("{}: on the ladder, {}", s.name, tooltip((a, b))),
                ));
            }
        }
        // …and over them, the minutes it answers first.
        let mut first = Vec::new();
        for seg in &segments {
            if seg
                .level
                .and_then(|i| s.ladder.get(i))
                .is_some_and(|l| l.party.id == party_id)
            {
                first.push((seg.start, seg.end));
                first_total.push((seg.start, seg.end));
                spans.push((
                    seg.start,
                    seg.end,
                    format!("cov-p{colour}"),
                    format!(
                        "{}: answers first, {}",
                        s.name,
                        tooltip((seg.start, seg.end))
                    ),
                ));
            }
        }
        let label = format!(
            "{}: {} answers first {}",
            s.name,
            party.name,
            if first.is_empty() {
                "never".to_string()
            } else {
                spans_text(&first)
            }
        );
        let _ = write!(
            rows,
            "<li class=\"cov-row\"><span class=\"cov-label\"><a href=\"{root}systems/{}/index.html\">{}</a> <span class=\"muted\">level {}</span></span>",
            s.id,
            escape_html(s.name),
            levels
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        strip_svg(&mut rows, &Strip { spans, label }, false);
        rows.push_str("</li>");
    }
    let mut out = String::with_capacity(rows.len() + 2048);
    let _ = write!(
        out,
        "<figure class=\"coverage\" id=\"coverage\">{DEFS}<figcaption><strong>When {} answers, by system</strong> <span class=\"muted\">(times are {})</span></figcaption>",
        escape_html(party.name),
        escape_html(&view.config.timezone.0),
    );
    days_header(&mut out);
    out.push_str("<ol class=\"cov-rows\">");
    let own = Strip {
        spans: party
            .hours
            .week_spans()
            .into_iter()
            .flat_map(|(a, b)| wrap(a, b))
            .map(|(a, b)| {
                (
                    a,
                    b,
                    format!("cov-p{colour}"),
                    format!("{}: {}", party.name, tooltip((a, b))),
                )
            })
            .collect(),
        label: format!("{} answers {}", party.name, party.hours.describe()),
    };
    let _ = write!(
        out,
        "<li class=\"cov-row cov-row-own\"><span class=\"cov-label\"><span class=\"cov-sw cov-p{colour}\" aria-hidden=\"true\"></span><strong>Its hours</strong> <span class=\"muted\">{}</span></span>",
        escape_html(&party.hours_name)
    );
    strip_svg(&mut out, &own, false);
    out.push_str("</li>");
    out.push_str(&rows);
    out.push_str("</ol>");
    let _ = write!(
        out,
        "<ul class=\"cov-legend\"><li><span class=\"cov-sw cov-p{colour}\" aria-hidden=\"true\"></span>answers first</li><li><span class=\"cov-sw cov-p{colour} cov-later\" aria-hidden=\"true\"></span>on the ladder behind an earlier level</li></ul></figure>"
    );
    Some(out)
}

/// Compact first-to-answer rows for the tier-1 and tier-2 systems: where the
/// week is thin, at one look. `None` when the site has no such system.
pub(crate) fn overview(view: &SiteView, root: &str) -> Option<String> {
    let systems: Vec<&SystemView> = view
        .systems
        .iter()
        .filter(|s| s.tier.is_critical())
        .collect();
    if systems.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(systems.len() * 2048);
    let _ = write!(
        out,
        "<figure class=\"coverage coverage-overview\">{DEFS}<figcaption><strong>Who answers first, tier 1 and 2</strong> <span class=\"muted\">(times are {})</span></figcaption>",
        escape_html(&view.config.timezone.0)
    );
    days_header(&mut out);
    out.push_str("<ol class=\"cov-rows\">");
    for s in &systems {
        let segments = system_segments(s);
        let gaps = uncovered(&segments);
        let _ = write!(
            out,
            "<li class=\"cov-row\" data-system=\"{}\" data-uncovered=\"{}\"><span class=\"cov-label\"><a href=\"{root}systems/{}/index.html#coverage\">{}</a> <span class=\"badge tier-{}\">T{}</span>",
            s.id,
            escape_html(
                &gaps
                    .iter()
                    .map(|&g| describe(g))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            s.id,
            escape_html(s.name),
            s.tier.0,
            s.tier.0,
        );
        if s.ladder.is_empty() {
            out.push_str(" <span class=\"cov-thin\">no ladder</span>");
        } else if !gaps.is_empty() {
            let _ = write!(
                out,
                " <span class=\"cov-thin\">{} uncovered</span>",
                hours_text(gaps.iter().map(|(a, b)| b - a).sum())
            );
        }
        out.push_str("</span>");
        strip_svg(&mut out, &first_strip(view, s, &segments), true);
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    legend(
        &mut out,
        view,
        systems
            .iter()
            .flat_map(|s| s.ladder.iter().map(|l| l.party.id)),
        true,
    );
    out.push_str("</figure>");
    Some(out)
}

/// `62 h`, `45 min`, `1 h 30 min`.
fn hours_text(minutes: usize) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CoverageWindow, DaySet, TimeOfDay};
    use proptest::prelude::*;

    fn spec(windows: &[(&str, &str, &str)]) -> HoursSpec {
        HoursSpec::Windows(
            windows
                .iter()
                .map(|(d, f, t)| {
                    CoverageWindow::weekly(
                        DaySet::parse(d).unwrap(),
                        TimeOfDay::parse(f).unwrap(),
                        TimeOfDay::parse(t).unwrap(),
                    )
                })
                .collect(),
        )
    }

    fn mask_of(levels: &[&HoursSpec]) -> WeekMask {
        let mut m = WeekMask::default();
        for l in levels {
            m.union(&l.mask());
        }
        m
    }

    #[test]
    fn the_first_open_level_answers() {
        let business = spec(&[("mon-fri", "08:00", "18:00")]);
        let nights = spec(&[("mon-sun", "18:00", "08:00")]);
        let segs = first_answer(&[&business, &nights]);
        assert_eq!(
            segs.first(),
            Some(&Segment {
                start: 0,
                end: 480,
                level: Some(1)
            })
        );
        assert_eq!(
            segs[1],
            Segment {
                start: 480,
                end: 1080,
                level: Some(0)
            }
        );
        // Saturday 08:00–18:00 and Sunday 08:00–18:00 are open.
        let gaps = uncovered(&segs);
        assert_eq!(
            gaps.iter().map(|&g| describe(g)).collect::<Vec<_>>(),
            ["sat 08:00–sat 18:00", "sun 08:00–sun 18:00"]
        );
    }

    #[test]
    fn a_gap_over_the_end_of_the_week_is_one_window() {
        let h = spec(&[("mon-fri", "08:00", "18:00")]);
        let gaps = uncovered(&first_answer(&[&h]));
        assert_eq!(describe(*gaps.last().unwrap()), "fri 18:00–mon 08:00");
        assert_eq!(tooltip((0, MINUTES_PER_WEEK)), "all day, every day");
        assert_eq!(tooltip((0, 1440)), "Mon 00:00–Tue 00:00");
        assert_eq!(tooltip((8640, 10080)), "Sun 00:00–Mon 00:00");
        assert_eq!(gaps, mask_of(&[&h]).gaps());
    }

    #[test]
    fn no_level_means_the_whole_week_is_uncovered() {
        let segs = first_answer(&[]);
        assert_eq!(uncovered(&segs), vec![(0, MINUTES_PER_WEEK)]);
        assert_eq!(uncovered(&segs), WeekMask::default().gaps());
    }

    fn arb_window() -> impl Strategy<Value = (u8, u16, u16)> {
        (1u8..128, 0u16..1440, 0u16..1440)
    }

    proptest! {
        /// The chart's uncovered windows are `coverage-gap`'s, minute for minute.
        #[test]
        fn uncovered_equals_the_week_mask(levels in prop::collection::vec(prop::collection::vec(arb_window(), 0..3), 0..4)) {
            let specs: Vec<HoursSpec> = levels.iter().map(|ws| {
                HoursSpec::Windows(ws.iter().map(|&(days, from, to)| CoverageWindow::weekly(
                    DaySet::parse(&(0..7).filter(|d| days & (1 << d) != 0)
                        .map(|d| ["mon","tue","wed","thu","fri","sat","sun"][d]).collect::<Vec<_>>().join(",")).unwrap(),
                    TimeOfDay::parse(&format!("{:02}:{:02}", from / 60, from % 60)).unwrap(),
                    TimeOfDay::parse(&format!("{:02}:{:02}", to / 60, to % 60)).unwrap(),
                )).collect())
            }).collect();
            let refs: Vec<&HoursSpec> = specs.iter().collect();
            let segs = first_answer(&refs);
            prop_assert_eq!(uncovered(&segs), mask_of(&refs).gaps());
            // Segments tile the week, and each names the first level open at its start.
            prop_assert_eq!(segs.first().map(|s| s.start), Some(0));
            prop_assert_eq!(segs.last().map(|s| s.end), Some(MINUTES_PER_WEEK));
            for w in segs.windows(2) {
                prop_assert_eq!(w[0].end, w[1].start);
            }
            for s in &segs {
                for m in [s.start, s.end - 1] {
                    let first = refs.iter().position(|h| h.mask().contains(m));
                    prop_assert_eq!(first, s.level);
                }
            }
        }
    }
}
