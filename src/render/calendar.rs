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
//!   `[gap, length, person, until]…` (gaps from the previous end, `until` from
//!   the previous person's, so the numbers stay short) and `c` the closures
//!   `[gap, length, reason]…`;
//! - `people`, `reasons`: what those indexes name;
//! - `holidays`: `[date, name, set]`; `away` (internal builds only):
//!   `[from, to, who, cover]`.
//!
//! It holds what the build's audience may see and nothing more: the timelines
//! come already resolved for the audience.

use crate::audience::SiteView;
use crate::calendar::{Calendar, LevelTimeline, Minute, Span};
use crate::render::tel;
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
    pub systems: Vec<(String, Vec<std::sync::Arc<LevelTimeline>>)>,
    /// `(date, name, set)`, by date.
    pub holidays: Vec<(NaiveDate, String, String)>,
    /// `None` in client builds: no absence record of anyone.
    pub away: Option<Vec<AwayRow>>,
}

/// The calendar of `view` as built on `today`: every ladder's timelines, the
/// holidays and (internal builds) absences of the span.
pub(crate) fn gather(view: &SiteView, cal: &Calendar) -> CalendarData {
    let mut data = gather_dates(view, cal);
    data.systems = view
        .systems
        .iter()
        .map(|s| (s.id.to_string(), view.ladder_timelines(cal, s)))
        .collect();
    data
}

/// The calendar of `view` without the ladders' timelines: its holidays and absences.
pub(crate) fn gather_dates(view: &SiteView, cal: &Calendar) -> CalendarData {
    let tz = cal.tz;
    let date = |m: Minute| {
        chrono::DateTime::from_timestamp(m * 60, 0)
            .map(|d| d.with_timezone(&tz).date_naive())
            .unwrap_or_default()
    };
    CalendarData {
        timezone: view.config.timezone.0.clone(),
        span: cal.span,
        systems: Vec::new(),
        holidays: cal
            .holidays()
            .into_iter()
            .map(|h| (h.date, h.name, h.set))
            .collect(),
        away: view.absences(cal).map(|list| {
            list.into_iter()
                .map(|a| AwayRow {
                    from: date(a.start),
                    // The last day away: the end is the first minute back.
                    to: date(a.end - 1),
                    who: a.contact,
                    cover: a
                        .cover
                        .map(|c| c.split_once('/').map_or(c.clone(), |(_, n)| n.to_string())),
                })
                .collect()
        }),
    }
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
    // Adjacent stretches with the same person are one (the model may cut at
    // day edges); fewer, shorter numbers for every page's download.
    let mut merged: Vec<(Minute, Minute, Option<&crate::calendar::Duty>)> = Vec::new();
    for st in &timeline.open {
        match merged.last_mut() {
            Some(last) if last.1 == st.start && last.2 == st.duty.as_ref() => last.1 = st.end,
            _ => merged.push((st.start, st.end, st.duty.as_ref())),
        }
    }
    let mut open = Vec::with_capacity(merged.len() * 4);
    let (mut t, mut last_until) = (start, start);
    for (s_start, s_end, duty) in merged {
        let (person, until) = match duty {
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
                let until = d.until - last_until;
                last_until = d.until;
                (intern(people, seen_people, p) as i64, until)
            }
            None => (-1, 0),
        };
        open.extend([s_start - t, s_end - s_start, person, until]);
        t = s_end;
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
