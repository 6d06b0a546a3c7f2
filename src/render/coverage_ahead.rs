//! The coverage chart's strip for the next 14 days (issue 23): who answers first
//! on each date from the build date, counting holidays, absences and rotations,
//! with the holidays (and, in internal builds, absences) marked. Drawn at build
//! time like the weekly chart; exact to the minute, days cut at local midnight
//! (a DST day is 23 or 25 hours wide).

// The hatching pattern comes from the weekly chart above it on the same page.
use super::calendar::{AHEAD_DAYS, AwayRow, day_label, gather_dates};
use super::coverage_chart::colour_of;
use crate::audience::{SiteView, SystemView};
use crate::calendar::{LevelTimeline, Minute};
use crate::markdown::escape_html;
use chrono::{NaiveDate, TimeZone};
use std::fmt::Write as _;

/// Minutes since the epoch of 00:00 on `date` in `tz` (the first valid minute
/// of the day when midnight does not exist).
fn midnight(tz: chrono_tz::Tz, date: NaiveDate) -> Minute {
    let mut t = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..180 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.timestamp().div_euclid(60);
        }
        t += chrono::Duration::minutes(1);
    }
    t.and_utc().timestamp().div_euclid(60)
}

/// "Fri 25 Dec 08:00".
fn wall(tz: chrono_tz::Tz, m: Minute) -> String {
    chrono::DateTime::from_timestamp(m * 60, 0)
        .map(|d| d.with_timezone(&tz).format("%a %-d %b %H:%M").to_string())
        .unwrap_or_default()
}

/// `[start, end)` cut where the first open level changes: `(start, end, level)`.
fn first_open(
    timelines: &[std::sync::Arc<LevelTimeline>],
    from: Minute,
    to: Minute,
) -> Vec<(Minute, Minute, Option<usize>)> {
    let mut cuts = vec![from, to];
    for t in timelines {
        for s in &t.open {
            cuts.extend([s.start, s.end].into_iter().filter(|&m| m > from && m < to));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(Minute, Minute, Option<usize>)> = Vec::new();
    for w in cuts.windows(2) {
        let level = timelines
            .iter()
            .position(|t| t.open.iter().any(|s| s.start <= w[0] && w[0] < s.end));
        match out.last_mut() {
            Some(last) if last.2 == level => last.1 = w[1],
            _ => out.push((w[0], w[1], level)),
        }
    }
    out
}

/// The 14-day strip of `system`'s coverage chart from `today`.
pub(crate) fn ahead(
    view: &SiteView,
    system: &crate::audience::SystemView,
    cal: &crate::calendar::Calendar,
    today: NaiveDate,
) -> String {
    let timelines = view.ladder_timelines(cal, system);
    let dates = gather_dates(view, cal);
    ahead_chart(
        view,
        system,
        &timelines,
        today,
        &dates.holidays,
        dates.away.as_deref(),
    )
}

/// The next 14 days of `system` from `today`: a figure, or nothing without a ladder.
pub(crate) fn ahead_chart(
    view: &SiteView,
    system: &SystemView,
    timelines: &[std::sync::Arc<LevelTimeline>],
    today: NaiveDate,
    holidays: &[(NaiveDate, String, String)],
    away: Option<&[AwayRow]>,
) -> String {
    if system.ladder.is_empty() {
        return String::new();
    }
    let tz: chrono_tz::Tz = view.config.timezone.0.parse().unwrap_or(chrono_tz::UTC);
    let last = today + chrono::Days::new(AHEAD_DAYS - 1);
    let from = midnight(tz, today);
    let to = midnight(tz, last + chrono::Days::new(1));
    let width = to - from;
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<figure class=\"coverage coverage-ahead\" id=\"coverage-ahead\"><figcaption><strong>The next {AHEAD_DAYS} days</strong> <span class=\"muted\">from {} (the build date), with holidays{}</span></figcaption>",
        day_label(today),
        if away.is_some() { " and absences" } else { "" },
    );
    out.push_str("<div class=\"cov-days\" aria-hidden=\"true\"><span class=\"cov-corner\"></span><span class=\"cov-daynames cov-daynames-ahead\">");
    for d in 0..AHEAD_DAYS {
        let date = today + chrono::Days::new(d);
        let _ = write!(out, "<span>{}</span>", date.format("%a %-d"));
    }
    out.push_str("</span></div><ol class=\"cov-rows\">");
    // Who answers first.
    let segments = first_open(timelines, from, to);
    let mut words = Vec::new();
    let mut rects = String::new();
    for &(a, b, level) in &segments {
        let (class, who) = match level.and_then(|i| system.ladder.get(i)) {
            Some(l) => (
                format!("cov-p{}", colour_of(view, l.party.id)),
                format!("{} (level {})", l.party.name, l.level),
            ),
            None => ("cov-none".to_string(), "nobody answers".to_string()),
        };
        let when = format!("{}–{}", wall(tz, a), wall(tz, b));
        let _ = write!(
            rects,
            "<rect class=\"{class}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"10\"><title>{}</title></rect>",
            a - from,
            b - a,
            escape_html(&format!("{when}: {who}"))
        );
        words.push(format!("{when} {who}"));
    }
    out.push_str("<li class=\"cov-row cov-row-first\"><span class=\"cov-label\"><strong>First to answer</strong></span>");
    // The words are in the list under the chart; the label only names the strip.
    strip(
        &mut out,
        width,
        &rects,
        "First to answer over the next 14 days (listed below)",
        tz,
        today,
        from,
        true,
    );
    out.push_str("</li>");
    // Holidays and absences.
    let mut marks = Vec::new();
    for (d, name, set) in holidays
        .iter()
        .filter(|(d, _, _)| *d >= today && *d <= last)
    {
        let (a, b) = (midnight(tz, *d), midnight(tz, *d + chrono::Days::new(1)));
        marks.push((
            a,
            b,
            "cov-holiday",
            format!("{}: {name} ({set})", day_label(*d)),
        ));
    }
    for r in away
        .unwrap_or_default()
        .iter()
        .filter(|r| r.to >= today && r.from <= last)
    {
        let a = midnight(tz, r.from.max(today));
        let b = midnight(tz, r.to.min(last) + chrono::Days::new(1));
        let cover = r
            .cover
            .as_deref()
            .map_or_else(|| "no cover".to_string(), |c| format!("{c} covers"));
        let when = if r.from == r.to {
            day_label(r.from)
        } else {
            format!("{} – {}", day_label(r.from), day_label(r.to))
        };
        marks.push((a, b, "cov-away", format!("{when}: {} away, {cover}", r.who)));
    }
    let mut rects = String::new();
    for (a, b, class, text) in &marks {
        let _ = write!(
            rects,
            "<rect class=\"{class}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"10\"><title>{}</title></rect>",
            a - from,
            b - a,
            escape_html(text)
        );
    }
    let label = if marks.is_empty() {
        "No holiday or absence".to_string()
    } else {
        marks
            .iter()
            .map(|m| m.3.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let _ = write!(
        out,
        "<li class=\"cov-row\"><span class=\"cov-label\">Holidays{}</span>",
        if away.is_some() { " and absences" } else { "" }
    );
    strip(&mut out, width, &rects, &label, tz, today, from, false);
    out.push_str("</li></ol>");
    if marks.is_empty() {
        out.push_str("<p class=\"cov-gaps cov-ok\">No holiday");
        if away.is_some() {
            out.push_str(" or absence");
        }
        out.push_str(" in these 14 days.</p>");
    } else {
        out.push_str("<ul class=\"cov-marks\">");
        for (_, _, class, text) in &marks {
            let _ = write!(
                out,
                "<li><span class=\"cov-sw {class}\" aria-hidden=\"true\"></span>{}</li>",
                escape_html(text)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("<details class=\"cov-text\"><summary>The 14 days as text</summary><ul>");
    for w in &words {
        let _ = write!(out, "<li>{}</li>", escape_html(w));
    }
    out.push_str("</ul></details></figure>");
    out
}

#[allow(clippy::too_many_arguments)]
fn strip(
    out: &mut String,
    width: Minute,
    rects: &str,
    label: &str,
    tz: chrono_tz::Tz,
    today: NaiveDate,
    from: Minute,
    first: bool,
) {
    let _ = write!(
        out,
        "<svg class=\"cov-strip{}\" viewBox=\"0 0 {width} 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\"><rect class=\"cov-bg\" x=\"0\" y=\"0\" width=\"{width}\" height=\"10\"/>{rects}",
        if first { " cov-strip-first" } else { "" },
        escape_html(label)
    );
    for d in 1..AHEAD_DAYS {
        let x = midnight(tz, today + chrono::Days::new(d)) - from;
        let _ = write!(
            out,
            "<line class=\"cov-day\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"10\" vector-effect=\"non-scaling-stroke\"/>"
        );
    }
    out.push_str("</svg>");
}
