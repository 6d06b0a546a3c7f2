//! `assets/calendar.js`: the dated calendar the browser answers "who now" from,
//! one file shared by every page (cached once, not repeated in each page), a
//! script rather than JSON so it loads from `file://` too. It sets
//! `window.cairnCalendar` (read by `cairn.js`):
//!
//! - `start`, `end`: the span the build expanded (minutes since the Unix epoch),
//!   `endDate`: its last date, which a page read past it names;
//! - `levels`: `"SYSTEM/LEVEL"` → index into `timelines` (the ladder markup's
//!   `data-timeline`); equal timelines are written once;
//! - `timelines`: per level, `o` the open stretches as flat numbers
//!   `[gap, length, person, until − start]…` (gaps from the previous end, so
//!   the numbers stay short) and `c` the closures `[gap, length, reason]…`;
//! - `people`, `reasons`: what those indexes name;
//! - `holidays`: `[date, name, set]`; `away` (internal builds only):
//!   `[from, to, who, cover]`.
//!
//! It holds what the build's audience may see and nothing more: the timelines
//! come already resolved for the audience.

use super::calendar_stub::{LevelTimeline, Minute, Span};
use crate::audience::SiteView;
use crate::model::Audience;
use crate::render::context::tel;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The calendar's output path.
pub(crate) const CALENDAR_JS: &str = "assets/calendar.js";

/// An absence as the now board lists it (internal builds).
pub(crate) struct AwayRow {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub who: String,
    pub cover: Option<String>,
}

/// Everything the file is made of.
pub(crate) struct CalendarData {
    pub timezone: String,
    pub span: Span,
    /// Per system id, its ladder's timelines in level order.
    pub systems: Vec<(String, Vec<LevelTimeline>)>,
    /// `(date, name, set)`, by date.
    pub holidays: Vec<(NaiveDate, String, String)>,
    /// `None` in client builds: no absence record of anyone.
    pub away: Option<Vec<AwayRow>>,
}

/// The calendar of `view` as built on `today`.
pub(crate) fn gather(view: &SiteView, today: NaiveDate) -> CalendarData {
    let tz: chrono_tz::Tz = view.config.timezone.0.parse().unwrap_or(chrono_tz::UTC);
    let span = super::calendar_stub::span(tz, today);
    CalendarData {
        timezone: view.config.timezone.0.clone(),
        span,
        systems: view
            .systems
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    super::calendar_stub::ladder_timelines(tz, s, span),
                )
            })
            .collect(),
        holidays: Vec::new(),
        away: (view.audience == Audience::Internal).then(Vec::new),
    }
}

/// The calendar of `view` without the ladders' timelines: its holidays and absences.
pub(crate) fn gather_dates(view: &SiteView, today: NaiveDate) -> CalendarData {
    let tz: chrono_tz::Tz = view.config.timezone.0.parse().unwrap_or(chrono_tz::UTC);
    CalendarData {
        timezone: view.config.timezone.0.clone(),
        span: super::calendar_stub::span(tz, today),
        systems: Vec::new(),
        holidays: Vec::new(),
        away: (view.audience == Audience::Internal).then(Vec::new),
    }
}

/// The 14-day strip of `system`'s coverage chart from `today`.
pub(crate) fn ahead(
    view: &SiteView,
    system: &crate::audience::SystemView,
    today: NaiveDate,
) -> String {
    let tz: chrono_tz::Tz = view.config.timezone.0.parse().unwrap_or(chrono_tz::UTC);
    let span = super::calendar_stub::span_days(tz, today, AHEAD_DAYS);
    let timelines = super::calendar_stub::ladder_timelines(tz, system, span);
    let dates = gather_dates(view, today);
    crate::render::coverage_ahead::ahead_chart(
        view,
        system,
        &timelines,
        today,
        &dates.holidays,
        dates.away.as_deref(),
    )
}

/// The last date of the data: the local date of its last minute.
pub(crate) fn end_date(timezone: &str, span: Span) -> NaiveDate {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    chrono::DateTime::from_timestamp((span.end - 1) * 60, 0)
        .map(|d| d.with_timezone(&tz).date_naive())
        .unwrap_or_default()
}

/// Index of `value` in `table`, adding it when new.
fn intern<K: std::hash::Hash + Eq + Clone>(
    table: &mut Vec<K>,
    seen: &mut HashMap<K, usize>,
    value: K,
) -> usize {
    *seen.entry(value.clone()).or_insert_with(|| {
        table.push(value);
        table.len() - 1
    })
}

/// The person fields as the browser reads them (`n`ame, `p`hone, `t`el, `e`mail,
/// `c`overing for, `r`otation); empty fields are left out.
type Person = Vec<(&'static str, String)>;

fn encode(
    timeline: &LevelTimeline,
    start: Minute,
    people: &mut Vec<Person>,
    seen_people: &mut HashMap<Person, usize>,
    reasons: &mut Vec<String>,
    seen_reasons: &mut HashMap<String, usize>,
) -> Value {
    let mut open = Vec::with_capacity(timeline.open.len() * 4);
    let mut t = start;
    for s in &timeline.open {
        let (person, until) = match &s.duty {
            Some(d) => {
                let mut p: Person = Vec::new();
                let mut put = |k, v: &Option<String>| {
                    if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                        p.push((k, v.clone()));
                    }
                };
                put("n", &d.name);
                put("p", &d.phone);
                put("t", &d.phone.as_deref().map(tel));
                put("e", &d.email);
                put("c", &d.covering_for);
                put("r", &d.rotation);
                (intern(people, seen_people, p) as i64, d.until - s.start)
            }
            None => (-1, 0),
        };
        open.extend([s.start - t, s.end - s.start, person, until]);
        t = s.end;
    }
    let mut closures = Vec::with_capacity(timeline.closures.len() * 3);
    let mut t = start;
    for c in &timeline.closures {
        let reason = intern(reasons, seen_reasons, c.reason.clone()) as i64;
        closures.extend([c.start - t, c.end - c.start, reason]);
        t = c.end;
    }
    json!({ "o": open, "c": closures })
}

/// The bytes of `assets/calendar.js`.
pub(crate) fn calendar_js(data: &CalendarData) -> Vec<u8> {
    let (mut people, mut seen_people) = (Vec::new(), HashMap::new());
    let (mut reasons, mut seen_reasons) = (Vec::new(), HashMap::new());
    let (mut timelines, mut seen_timelines) = (Vec::<Value>::new(), HashMap::new());
    let mut levels = serde_json::Map::new();
    for (system, ladder) in &data.systems {
        for (i, timeline) in ladder.iter().enumerate() {
            let encoded = encode(
                timeline,
                data.span.start,
                &mut people,
                &mut seen_people,
                &mut reasons,
                &mut seen_reasons,
            );
            let key = encoded.to_string();
            let index = *seen_timelines.entry(key).or_insert_with(|| {
                timelines.push(encoded);
                timelines.len() - 1
            });
            levels.insert(format!("{system}/{}", i + 1), json!(index));
        }
    }
    let people: Vec<Value> = people
        .into_iter()
        .map(|p| Value::Object(p.into_iter().map(|(k, v)| (k.into(), v.into())).collect()))
        .collect();
    let mut out = json!({
        "v": 1,
        "tz": data.timezone,
        "start": data.span.start,
        "end": data.span.end,
        "endDate": end_date(&data.timezone, data.span).to_string(),
        "people": people,
        "reasons": reasons,
        "timelines": timelines,
        "levels": levels,
        "holidays": data.holidays.iter().map(|(d, n, set)| json!([d.to_string(), n, set])).collect::<Vec<_>>(),
    });
    if let Some(away) = &data.away {
        out["away"] = away
            .iter()
            .map(|a| json!([a.from.to_string(), a.to.to_string(), a.who, a.cover]))
            .collect();
    }
    // `</` never appears in JSON from serde except inside strings: escape it so
    // no name can end a script element when the file is inlined by someone.
    let body = out.to_string().replace("</", "<\\/");
    format!("// cairn: the calendar of this build (see cairn.js). Generated; do not edit.\nwindow.cairnCalendar={body};\n")
        .into_bytes()
}

/// How many days the now board and the coverage chart look ahead.
pub(crate) const AHEAD_DAYS: u64 = 14;

/// One line of the now board's "coming up" list.
#[derive(serde::Serialize)]
pub(crate) struct ComingItem {
    /// "Fri 25 Dec" or "Mon 21 Dec – Sun 3 Jan".
    pub when: String,
    /// "Christmas Day (us-office)", "Marcus Lee away, Dana Ruiz covers".
    pub what: String,
}

/// The holidays and (internal builds) absences of the 14 days from `today`,
/// as the now board lists them without JavaScript (the script redoes it for
/// the reader's date from the same data).
#[derive(serde::Serialize)]
pub(crate) struct Coming {
    /// "Wed 25 Nov".
    pub from: String,
    pub items: Vec<ComingItem>,
}

/// "Fri 25 Dec".
pub(crate) fn day_label(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

pub(crate) fn coming(data: &CalendarData, today: NaiveDate) -> Coming {
    let last = today + chrono::Days::new(AHEAD_DAYS - 1);
    let mut items: Vec<(NaiveDate, ComingItem)> = data
        .holidays
        .iter()
        .filter(|(d, _, _)| *d >= today && *d <= last)
        .map(|(d, name, set)| {
            (
                *d,
                ComingItem {
                    when: day_label(*d),
                    what: format!("{name} ({set})"),
                },
            )
        })
        .collect();
    for a in data.away.iter().flatten() {
        if a.to < today || a.from > last {
            continue;
        }
        let when = if a.from == a.to {
            day_label(a.from)
        } else {
            format!("{} – {}", day_label(a.from), day_label(a.to))
        };
        let what = match &a.cover {
            Some(c) => format!("{} away, {c} covers", a.who),
            None => format!("{} away, no cover", a.who),
        };
        items.push((a.from, ComingItem { when, what }));
    }
    items.sort_by_key(|(d, _)| *d);
    Coming {
        from: day_label(today),
        items: items.into_iter().map(|(_, i)| i).collect(),
    }
}
