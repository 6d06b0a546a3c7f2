//! iCalendar in and out. In: a holiday file's all-day VEVENTs, read with the
//! `icalendar` crate's parser and their RRULE/EXDATE expanded with `rrule`.
//! Out: the feeds cairn writes (RFC 5545: CRLF, lines folded at 75 octets,
//! TEXT escaped, times in UTC, all-day events as `VALUE=DATE`).

// The feeds use the writer (next commits), as they use calendar/'s helpers.
#![allow(dead_code)]

use crate::diag::{Code, Diagnostic};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// An all-day event of a holiday file: a day (or days) off, maybe recurring.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IcsHoliday {
    pub name: String,
    pub start: NaiveDate,
    /// Days it lasts (DTEND − DTSTART; 1 when absent).
    pub days: i64,
    /// The RRULE as written, `UNTIL` made a UTC date-time as `rrule` wants.
    pub rule: Option<String>,
    pub exdates: Vec<NaiveDate>,
}

impl IcsHoliday {
    /// The first days of the occurrences that start in `[from, to)`.
    pub(crate) fn starts_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let Some(rule) = &self.rule else {
            return if self.start >= from && self.start < to {
                vec![self.start]
            } else {
                Vec::new()
            };
        };
        let Ok(set) = rule_set(self.start, rule, &self.exdates) else {
            return Vec::new();
        };
        let at = |d: NaiveDate| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .with_timezone(&rrule::Tz::UTC)
        };
        let before = to.pred_opt().unwrap_or(to);
        let result = set.after(at(from)).before(at(before)).all(u16::MAX);
        result
            .dates
            .into_iter()
            .map(|d| d.date_naive())
            .filter(|d| *d >= from && *d < to)
            .collect()
    }
}

fn rule_set(
    start: NaiveDate,
    rule: &str,
    exdates: &[NaiveDate],
) -> Result<rrule::RRuleSet, String> {
    let text = format!("DTSTART:{}T000000Z\nRRULE:{rule}", start.format("%Y%m%d"));
    let mut set: rrule::RRuleSet = text.parse().map_err(|e: rrule::RRuleError| e.to_string())?;
    for d in exdates {
        set = set.exdate(
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .with_timezone(&rrule::Tz::UTC),
        );
    }
    Ok(set)
}

/// Reads a holiday file; a problem is `invalid-value` at its line in `file`.
pub(crate) fn read_holidays(text: &str, file: &str) -> Result<Vec<IcsHoliday>, Diagnostic> {
    let bad =
        |line: Option<usize>, msg: String| Diagnostic::new(Code::InvalidValue, file, line, msg);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    // The parser's own errors count lines of the unfolded text; find the line
    // here first, so the author is sent to the right one.
    let first = lines.iter().position(|l| !l.trim().is_empty());
    if first.is_none_or(|i| !lines[i].trim().eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        return Err(bad(
            first.map(|i| i + 1),
            "not an iCalendar file: it must start with BEGIN:VCALENDAR".into(),
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        let folded = l.starts_with([' ', '\t']);
        let name_ok = l.split_once([':', ';']).is_some_and(|(n, _)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !l.trim().is_empty() && !folded && !name_ok {
            return Err(bad(
                Some(i + 1),
                format!(
                    "cannot read this iCalendar line: `{}`",
                    l.chars().take(60).collect::<String>()
                ),
            ));
        }
    }
    // A file cut short (a failed download, a bad merge) is the common case of
    // one the parser refuses; its own message names no line.
    if !lines
        .iter()
        .any(|l| l.trim().eq_ignore_ascii_case("END:VCALENDAR"))
    {
        return Err(bad(
            Some(lines.len()),
            "the file ends before END:VCALENDAR: is it cut short?".into(),
        ));
    }
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).map_err(|e| {
        bad(
            None,
            format!(
                "cannot read this iCalendar file: {}",
                e.lines().take(3).collect::<Vec<_>>().join(" ").trim()
            ),
        )
    })?;
    // Where each VEVENT begins in the file, in order.
    let event_lines: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim().eq_ignore_ascii_case("BEGIN:VEVENT"))
        .map(|(i, _)| i)
        .collect();
    let line_of = |event: usize, prop: &str| -> Option<usize> {
        let start = *event_lines.get(event)?;
        let found = lines[start..]
            .iter()
            .take_while(|l| !l.trim().eq_ignore_ascii_case("END:VEVENT"))
            .position(|l| {
                l.len() > prop.len()
                    && l[..prop.len()].eq_ignore_ascii_case(prop)
                    && matches!(l.as_bytes()[prop.len()], b':' | b';')
            });
        Some(start + found.unwrap_or(0) + 1)
    };
    let mut out = Vec::new();
    let events = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"));
    for (n, event) in events.enumerate() {
        let prop = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
        };
        let date_of = |name: &str| -> Result<Option<NaiveDate>, Diagnostic> {
            let Some(p) = prop(name) else {
                return Ok(None);
            };
            let value = p.val.as_str().trim();
            let is_date = p.params.iter().any(|q| {
                q.key.as_str().eq_ignore_ascii_case("VALUE")
                    && q.val
                        .as_ref()
                        .is_some_and(|v| v.as_str().eq_ignore_ascii_case("DATE"))
            }) || (value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
            if !is_date {
                return Err(bad(
                    line_of(n, name),
                    format!(
                        "a holiday must be an all-day event, but {name} is a time (`{value}`): write {name};VALUE=DATE:YYYYMMDD"
                    ),
                ));
            }
            NaiveDate::parse_from_str(value, "%Y%m%d")
                .map(Some)
                .map_err(|_| {
                    bad(
                        line_of(n, name),
                        format!("invalid date `{value}` in {name}: write YYYYMMDD"),
                    )
                })
        };
        let start = date_of("DTSTART")?
            .ok_or_else(|| bad(line_of(n, "BEGIN"), "an event without DTSTART".into()))?;
        let days = match date_of("DTEND")? {
            Some(end) if end > start => (end - start).num_days(),
            Some(_) => {
                return Err(bad(
                    line_of(n, "DTEND"),
                    "DTEND is not after DTSTART".into(),
                ));
            }
            None => 1,
        };
        let name = prop("SUMMARY")
            .map(|p| unescape(p.val.as_str()))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Holiday".into());
        let mut exdates = Vec::new();
        for p in event
            .properties
            .iter()
            .filter(|p| p.name.as_str().eq_ignore_ascii_case("EXDATE"))
        {
            for v in p.val.as_str().split(',') {
                let v = v.trim();
                let day = v
                    .get(..8)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
                match day {
                    Some(d) => exdates.push(d),
                    None => {
                        return Err(bad(line_of(n, "EXDATE"), format!("invalid EXDATE `{v}`")));
                    }
                }
            }
        }
        let rule = match prop("RRULE") {
            None => None,
            Some(p) => {
                let rule = until_as_utc(p.val.as_str().trim());
                rule_set(start, &rule, &exdates).map_err(|e| {
                    bad(
                        line_of(n, "RRULE"),
                        format!("cannot read RRULE `{}`: {e}", p.val.as_str()),
                    )
                })?;
                Some(rule)
            }
        };
        out.push(IcsHoliday {
            name,
            start,
            days,
            rule,
            exdates,
        });
    }
    Ok(out)
}

/// `UNTIL=20301231` (a date, as all-day events write it) → `UNTIL=20301231T235959Z`.
fn until_as_utc(rule: &str) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") && v.len() == 8 => {
                format!("{k}={v}T235959Z")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An RFC 5545 document being written.
pub(crate) struct IcsWriter {
    out: String,
}

impl IcsWriter {
    /// `BEGIN:VCALENDAR` with cairn's PRODID and the calendar's name.
    pub(crate) fn new(name: &str) -> IcsWriter {
        let mut w = IcsWriter { out: String::new() };
        w.line("BEGIN:VCALENDAR");
        w.line("VERSION:2.0");
        w.line("PRODID:-//cairn//cairn calendar//EN");
        w.line("CALSCALE:GREGORIAN");
        w.line("METHOD:PUBLISH");
        w.text("X-WR-CALNAME", name);
        // How often a subscriber should fetch it again (Outlook, Apple; Google decides alone).
        w.line("REFRESH-INTERVAL;VALUE=DURATION:PT12H");
        w.line("X-PUBLISHED-TTL:PT12H");
        w
    }

    /// A content line, folded at 75 octets, never inside a UTF-8 character
    /// and never right after a space (some readers trim the end of each
    /// physical line, which would lose it).
    pub(crate) fn line(&mut self, line: &str) {
        let mut rest = line;
        let mut room = 75;
        loop {
            if rest.len() <= room {
                self.out.push_str(rest);
                break;
            }
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let fits = cut;
            while cut > 1 && rest[..cut].ends_with([' ', '\t']) {
                cut -= 1;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
            }
            if rest[..cut].ends_with([' ', '\t']) {
                cut = fits;
            }
            self.out.push_str(&rest[..cut]);
            self.out.push_str("\r\n ");
            rest = &rest[cut..];
            room = 74;
        }
        self.out.push_str("\r\n");
    }

    /// `NAME:value` with TEXT escaping.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape(value)));
    }

    /// One event.
    pub(crate) fn event(&mut self, e: &IcsEvent) {
        self.line("BEGIN:VEVENT");
        self.text("UID", &e.uid);
        self.line(&format!("DTSTAMP:{}", utc_seconds(e.stamp)));
        match e.when {
            When::Minutes(start, end) => {
                self.line(&format!("DTSTART:{}", utc(start)));
                self.line(&format!("DTEND:{}", utc(end)));
            }
            When::Days(start, end) => {
                self.line(&format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")));
                self.line(&format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
            }
        }
        self.text("SUMMARY", &e.summary);
        if let Some(d) = &e.description {
            self.text("DESCRIPTION", d);
        }
        if let Some(url) = &e.url {
            self.line(&format!("URL:{url}"));
        }
        self.line("TRANSP:TRANSPARENT");
        self.line("END:VEVENT");
    }

    /// The document, ended.
    pub(crate) fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

/// What an event covers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum When {
    /// UTC minutes `[start, end)`.
    Minutes(i64, i64),
    /// Whole days `[start, end)`.
    Days(NaiveDate, NaiveDate),
}

pub(crate) struct IcsEvent {
    /// Stable across rebuilds: made of what the event is, never of the build.
    pub uid: String,
    /// DTSTAMP, Unix seconds: the build's clock (`SOURCE_DATE_EPOCH` when set).
    pub stamp: i64,
    pub when: When,
    pub summary: String,
    pub description: Option<String>,
    /// An absolute link to the page the event is about.
    pub url: Option<String>,
}

fn utc(minute: i64) -> String {
    utc_seconds(minute.saturating_mul(60))
}

fn utc_seconds(seconds: i64) -> String {
    match chrono::DateTime::from_timestamp(seconds, 0) {
        Some(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
        None => "19700101T000000Z".into(),
    }
}

/// RFC 5545 TEXT: backslash, `;`, `,` and newlines escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A UID from what identifies an event: stable for the same event in every
/// build. Its 128-bit hash is written in the letters `a`–`p` (no digits), so
/// no number of the site can be read in it by accident.
pub(crate) fn uid(parts: &[&str], domain: &str) -> String {
    let mut key = String::new();
    for p in parts {
        let _ = write!(key, "{}\u{1f}", p);
    }
    let hash = xxhash_rust::xxh3::xxh3_128(key.as_bytes());
    let letters: String = (0..32)
        .rev()
        .map(|i| char::from(b'a' + ((hash >> (i * 4)) & 0xf) as u8))
        .collect();
    format!("{letters}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\nRRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20271225\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn yearly_and_fourth_thursday_rules_expand_with_exdates() {
        let hs = read_holidays(US, "data/us.ics").unwrap();
        assert_eq!(hs.len(), 2);
        let thanksgiving = hs[0].starts_between(d("2026-01-01"), d("2029-01-01"));
        assert_eq!(
            thanksgiving,
            [d("2026-11-26"), d("2027-11-25"), d("2028-11-23")]
        );
        let christmas = hs[1].starts_between(d("2026-01-01"), d("2029-01-01"));
        assert_eq!(christmas, [d("2026-12-25"), d("2028-12-25")]);
    }

    #[test]
    fn a_timed_event_is_invalid_at_its_line() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Party\nDTSTART:20261224T150000Z\nEND:VEVENT\nEND:VCALENDAR\n";
        let e = read_holidays(text, "data/h.ics").unwrap_err();
        assert_eq!(e.code, Code::InvalidValue);
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("all-day"), "{}", e.message);
    }

    #[test]
    fn garbage_is_invalid_with_a_line() {
        let e = read_holidays("hello\n", "data/h.ics").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e =
            read_holidays("BEGIN:VCALENDAR\nBEGIN:VEVENT\nnot a line\n", "data/h.ics").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = read_holidays(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nRRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n",
            "data/h.ics",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{}", e.message);
        let e = read_holidays(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\n",
            "data/h.ics",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{}", e.message);
        assert!(e.message.contains("cut short"), "{}", e.message);
    }

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut w = IcsWriter::new("x");
        w.text("SUMMARY", &"é".repeat(100));
        let out = w.finish();
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(out.contains("\r\n "));
        // No physical line ends in a space; unfolding gives the line back.
        let mut w = IcsWriter::new("x");
        let long = format!("{}é b", "a ".repeat(50));
        w.text("DESCRIPTION", &long);
        let out = w.finish();
        for line in out.split("\r\n") {
            assert!(line.len() <= 75 && !line.ends_with(' '), "{line:?}");
        }
        assert!(
            out.replace("\r\n ", "")
                .contains(&format!("DESCRIPTION:{long}\r\n"))
        );
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
