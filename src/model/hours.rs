//! Coverage hours: days, times of day, windows that may cross midnight, and the
//! minute-exact week mask that `coverage-gap` and the "answers now" marker use.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub(crate) const MINUTES_PER_DAY: usize = 24 * 60;
/// Minutes in a week, Monday 00:00 first: the length of a [`WeekMask`].
pub const MINUTES_PER_WEEK: usize = 7 * MINUTES_PER_DAY;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays; bit 0 is Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DaySet(u8);

impl DaySet {
    /// Every day of the week.
    pub const ALL: DaySet = DaySet(0x7f);

    /// Whether `day` (0 = Monday) is in the set.
    pub fn contains(self, day: usize) -> bool {
        day < 7 && self.0 & (1 << day) != 0
    }

    /// The same days `by` days later (Monday + 1 = Tuesday, Sunday + 1 = Monday).
    pub fn rotated(self, by: i64) -> DaySet {
        let r = by.rem_euclid(7) as u32;
        let bits = u16::from(self.0);
        DaySet((((bits << r) | (bits >> ((7 - r) % 7))) & 0x7f) as u8)
    }

    /// The days in the set, Monday (0) first.
    pub fn days(self) -> impl Iterator<Item = usize> {
        (0..7).filter(move |&d| self.contains(d))
    }

    fn day_index(s: &str) -> Option<usize> {
        DAY_NAMES.iter().position(|d| *d == s)
    }

    /// `mon`, `mon-fri`, `sat,sun`, `fri-mon` (wraps), or a comma list of those.
    pub fn parse(s: &str) -> Result<DaySet, String> {
        let mut set = 0u8;
        for part in s.split(',').map(str::trim) {
            set |= Self::parse_part(part).ok_or_else(|| {
                format!(
                    "invalid days `{s}`: use mon…sun, a range like mon-fri, or a list like sat,sun"
                )
            })?;
        }
        Ok(DaySet(set))
    }

    fn parse_part(part: &str) -> Option<u8> {
        match part.split_once('-') {
            None => Self::day_index(part).map(|d| 1 << d),
            Some((a, b)) => {
                let (a, b) = (Self::day_index(a.trim())?, Self::day_index(b.trim())?);
                let mut set = 0u8;
                let mut d = a;
                loop {
                    set |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
                Some(set)
            }
        }
    }
}

impl fmt::Display for DaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == DaySet::ALL {
            return f.write_str("mon-sun");
        }
        // Runs of consecutive days as ranges: mon-fri, sat,sun.
        let mut parts = Vec::new();
        let mut d = 0;
        while d < 7 {
            if self.contains(d) {
                let start = d;
                while d + 1 < 7 && self.contains(d + 1) {
                    d += 1;
                }
                parts.push(match d - start {
                    0 => DAY_NAMES[start].to_string(),
                    1 => format!("{},{}", DAY_NAMES[start], DAY_NAMES[d]),
                    _ => format!("{}-{}", DAY_NAMES[start], DAY_NAMES[d]),
                });
            }
            d += 1;
        }
        f.write_str(&parts.join(","))
    }
}

impl<'de> Deserialize<'de> for DaySet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parts: Vec<String> = super::one_or_many(d)?;
        let mut set = DaySet(0);
        for p in parts {
            set.0 |= DaySet::parse(&p).map_err(serde::de::Error::custom)?.0;
        }
        Ok(set)
    }
}

impl Serialize for DaySet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A time of day, `"HH:MM"` 24 h; `"24:00"` is allowed as the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Minutes since midnight.
    pub fn minutes(self) -> usize {
        self.0 as usize
    }

    /// Reads a 24-hour `HH:MM`; the error says what to write.
    pub fn parse(s: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("invalid time `{s}`: write a quoted 24-hour time like \"08:00\"");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.is_empty()
            || h.len() > 2
            || m.len() != 2
            || !(h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m > 59 || h > 24 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(TimeOfDay(h * 60 + m))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = TimeOfDay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quoted time like \"08:00\"")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<TimeOfDay, E> {
                TimeOfDay::parse(s).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<TimeOfDay, E> {
                Err(E::custom(format!(
                    "invalid time `{n}`: write a quoted 24-hour time like \"08:00\""
                )))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<TimeOfDay, E> {
                self.visit_u64(n.unsigned_abs())
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// From `from` on each listed day until `to`; when `to` ≤ `from` it ends on the next day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageWindow {
    /// The days it starts on.
    pub days: DaySet,
    /// When it starts.
    pub from: TimeOfDay,
    /// When it ends (on the next day when not after `from`).
    pub to: TimeOfDay,
    /// A holiday set: no occurrence starts on its dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    /// A holiday set: the window opens only on its dates (and on no weekday
    /// of an ordinary week).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// The zone its times are written in; the party's, else the site's, when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<super::Timezone>,
}

impl CoverageWindow {
    /// `days` from `from` to `to`, every week, in the zone of whoever uses it.
    pub fn weekly(days: DaySet, from: TimeOfDay, to: TimeOfDay) -> CoverageWindow {
        CoverageWindow {
            days,
            from,
            to,
            closed_on: None,
            on: None,
            timezone: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    days: Option<DaySet>,
    from: TimeOfDay,
    to: TimeOfDay,
    closed_on: Option<String>,
    on: Option<String>,
    timezone: Option<super::Timezone>,
}

impl<'de> Deserialize<'de> for CoverageWindow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawWindow::deserialize(d)?;
        let days = match (raw.days, &raw.on) {
            (Some(days), _) => days,
            // `on:` alone: open on those dates whatever their weekday.
            (None, Some(_)) => DaySet::ALL,
            (None, None) => return Err(serde::de::Error::missing_field("days")),
        };
        Ok(CoverageWindow {
            days,
            from: raw.from,
            to: raw.to,
            closed_on: raw.closed_on,
            on: raw.on,
            timezone: raw.timezone,
        })
    }
}

impl CoverageWindow {
    /// The same window `by` minutes later on the week's clock (earlier when
    /// negative), with no zone of its own: a window written in another zone,
    /// moved onto the site's clock. Its length and dates (`on`, `closed_on`)
    /// stay; its days move with its start.
    pub fn shifted(&self, by: i64) -> CoverageWindow {
        let day = MINUTES_PER_DAY as i64;
        let from = self.from.minutes() as i64 + by;
        let to = (self.to.minutes() as i64 + by).rem_euclid(day);
        CoverageWindow {
            days: self.days.rotated(from.div_euclid(day)),
            from: TimeOfDay(from.rem_euclid(day) as u16),
            to: TimeOfDay(to as u16),
            closed_on: self.closed_on.clone(),
            on: self.on.clone(),
            timezone: None,
        }
    }

    /// Half-open minute spans `[start, end)` of the week, Monday 00:00 = 0; a span
    /// past Sunday midnight is returned as two.
    pub fn spans(&self) -> Vec<(usize, usize)> {
        if self.on.is_some() {
            return Vec::new();
        }
        let (from, to) = (self.from.minutes(), self.to.minutes());
        let len = if to > from {
            to - from
        } else {
            MINUTES_PER_DAY - from + to
        };
        let mut out = Vec::new();
        for day in self.days.days() {
            let start = day * MINUTES_PER_DAY + from;
            let end = start + len;
            if end <= MINUTES_PER_WEEK {
                out.push((start, end));
            } else {
                out.push((start, MINUTES_PER_WEEK));
                out.push((0, end - MINUTES_PER_WEEK));
            }
        }
        out
    }
}

/// A named coverage definition in `cairn.yaml`: `24x7`, one window, or a list of windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursSpec {
    /// `24x7`.
    Always,
    /// One or more weekly windows.
    Windows(Vec<CoverageWindow>),
}

impl HoursSpec {
    /// The minutes of the week it covers.
    pub fn mask(&self) -> WeekMask {
        let mut mask = WeekMask::default();
        match self {
            HoursSpec::Always => mask.fill(0, MINUTES_PER_WEEK),
            HoursSpec::Windows(ws) => {
                for (a, b) in ws.iter().flat_map(CoverageWindow::spans) {
                    mask.fill(a, b);
                }
            }
        }
        mask
    }

    /// Half-open minute spans of the week (Monday 00:00 = 0) when this answers.
    pub fn week_spans(&self) -> Vec<(usize, usize)> {
        match self {
            HoursSpec::Always => vec![(0, MINUTES_PER_WEEK)],
            HoursSpec::Windows(ws) => ws.iter().flat_map(CoverageWindow::spans).collect(),
        }
    }

    /// Human text for pages: `24x7` or `mon-fri 08:00–18:00`.
    pub fn describe(&self) -> String {
        match self {
            HoursSpec::Always => "24x7".into(),
            HoursSpec::Windows(ws) => ws
                .iter()
                .map(|w| format!("{} {}–{}", w.days, w.from, w.to))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

impl<'de> Deserialize<'de> for HoursSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = HoursSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`24x7`, a window `{ days: mon-fri, from: \"08:00\", to: \"18:00\" }`, or a list of windows")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<HoursSpec, E> {
                if s == "24x7" {
                    Ok(HoursSpec::Always)
                } else {
                    Err(E::custom(format!(
                        "invalid hours `{s}`: write `24x7` or a window {{ days: mon-fri, from: \"08:00\", to: \"18:00\" }}"
                    )))
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<HoursSpec, A::Error> {
                let w =
                    CoverageWindow::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(HoursSpec::Windows(vec![w]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<HoursSpec, A::Error> {
                let mut ws = Vec::new();
                while let Some(w) = seq.next_element::<CoverageWindow>()? {
                    ws.push(w);
                }
                Ok(HoursSpec::Windows(ws))
            }
        }
        d.deserialize_any(V)
    }
}

/// One bit per minute of the week (Monday 00:00 first), in the site's timezone.
#[derive(Clone, PartialEq, Eq)]
pub struct WeekMask(Box<[u64; MINUTES_PER_WEEK.div_ceil(64)]>);

impl Default for WeekMask {
    fn default() -> Self {
        WeekMask(Box::new([0; MINUTES_PER_WEEK.div_ceil(64)]))
    }
}

impl fmt::Debug for WeekMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WeekMask({:?})", self.gaps())
    }
}

impl WeekMask {
    /// Covers minutes `start..end` of the week, wrapping past Sunday midnight.
    pub fn fill(&mut self, start: usize, end: usize) {
        // A word at a time: every ladder level of every page is made a mask.
        let end = end.min(MINUTES_PER_WEEK);
        let mut m = start;
        while m < end {
            let bit = m % 64;
            let n = (64 - bit).min(end - m);
            let ones = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << bit
            };
            self.0[m / 64] |= ones;
            m += n;
        }
    }

    /// The first minute from `from` on that is covered (`covered`) or not;
    /// the week's length when there is none.
    fn next(&self, from: usize, covered: bool) -> usize {
        let mut m = from;
        while m < MINUTES_PER_WEEK {
            let word = self.0[m / 64];
            let word = if covered { word } else { !word } >> (m % 64);
            if word != 0 {
                // Past the week's last minute the last word's bits are clear.
                return (m + word.trailing_zeros() as usize).min(MINUTES_PER_WEEK);
            }
            m = (m / 64 + 1) * 64;
        }
        MINUTES_PER_WEEK
    }

    /// Whether `minute` of the week is covered.
    pub fn contains(&self, minute: usize) -> bool {
        minute < MINUTES_PER_WEEK && self.0[minute / 64] & (1 << (minute % 64)) != 0
    }

    /// Adds `other`'s minutes.
    pub fn union(&mut self, other: &WeekMask) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    /// The union of several hours: the minutes a ladder's levels answer together.
    pub fn union_of<'a>(specs: impl IntoIterator<Item = &'a HoursSpec>) -> WeekMask {
        let mut mask = WeekMask::default();
        for spec in specs {
            mask.union(&spec.mask());
        }
        mask
    }

    /// Minutes of the week set in the mask.
    pub fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The minutes set here and not in `other`.
    pub fn minus(&self, other: &WeekMask) -> WeekMask {
        let mut out = self.clone();
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a &= !b;
        }
        out
    }

    /// Uncovered spans `[start, end)`; a gap running over Sunday midnight into Monday is
    /// reported as one span starting on Sunday (end may exceed the week).
    pub fn gaps(&self) -> Vec<(usize, usize)> {
        self.runs(false)
    }

    /// Covered spans, joined over Sunday midnight as [`WeekMask::gaps`] does.
    pub fn spans(&self) -> Vec<(usize, usize)> {
        self.runs(true)
    }

    /// The covered minutes as a ladder level's `data-hours` says them to
    /// `cairn.js`: space-separated terms, each `A-B`, minutes `A` to `B` of the
    /// week (Monday 00:00 = 0), or `A-B/D`, minutes `A` to `B` of each day whose
    /// bit is set in `D` (Monday 1, Tuesday 2, … Sunday 64); an end past the
    /// week (or past Sunday's day) runs on into Monday. Business hours are
    /// `480-1080/31`, nights `1080-1920/127`, 24x7 `0-10080`: a weekly pattern
    /// instead of every span, since every runbook page carries its ladders
    /// (issue 27).
    pub fn pattern(&self) -> String {
        // Each run once, as a time of day and a length, with the days it starts on.
        let mut windows: Vec<((usize, usize), u8)> = Vec::new();
        for (start, end) in self.spans() {
            let from = start % MINUTES_PER_DAY;
            let window = (from, from + (end - start));
            let day = 1u8 << (start / MINUTES_PER_DAY);
            match windows.iter_mut().find(|(w, _)| *w == window) {
                Some((_, days)) => *days |= day,
                None => windows.push((window, day)),
            }
        }
        let terms: Vec<String> = windows
            .into_iter()
            .map(|((from, to), days)| {
                if days.count_ones() == 1 {
                    let at = days.trailing_zeros() as usize * MINUTES_PER_DAY;
                    format!("{}-{}", at + from, at + to)
                } else {
                    format!("{from}-{to}/{days}")
                }
            })
            .collect();
        terms.join(" ")
    }

    fn runs(&self, covered: bool) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut m = 0;
        loop {
            let start = self.next(m, covered);
            if start >= MINUTES_PER_WEEK {
                break;
            }
            m = self.next(start, !covered);
            runs.push((start, m));
        }
        // Join a run at the end of Sunday with one at the start of Monday.
        if runs.len() > 1
            && let (Some(&(first_start, first_end)), Some(&(last_start, last_end))) =
                (runs.first(), runs.last())
            && first_start == 0
            && last_end == MINUTES_PER_WEEK
        {
            runs.remove(0);
            if let Some(last) = runs.last_mut() {
                *last = (last_start, MINUTES_PER_WEEK + first_end);
            }
        }
        runs
    }

    /// `sat 08:00–sun 08:00` for a span from [`WeekMask::gaps`].
    pub fn describe_span((start, end): (usize, usize)) -> String {
        let at = |m: usize| {
            let m = m % MINUTES_PER_WEEK;
            format!(
                "{} {:02}:{:02}",
                DAY_NAMES[m / MINUTES_PER_DAY],
                (m % MINUTES_PER_DAY) / 60,
                m % 60
            )
        };
        format!("{}–{}", at(start), at(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(days: &str, from: &str, to: &str) -> CoverageWindow {
        CoverageWindow::weekly(
            DaySet::parse(days).unwrap(),
            TimeOfDay::parse(from).unwrap(),
            TimeOfDay::parse(to).unwrap(),
        )
    }

    #[test]
    fn day_ranges_lists_and_wrapping_ranges_parse() {
        assert_eq!(
            DaySet::parse("mon-fri").unwrap().days().collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 4]
        );
        assert_eq!(
            DaySet::parse("sat,sun").unwrap().days().collect::<Vec<_>>(),
            vec![5, 6]
        );
        assert_eq!(
            DaySet::parse("fri-mon").unwrap().days().collect::<Vec<_>>(),
            vec![0, 4, 5, 6]
        );
        assert_eq!(DaySet::parse("mon-sun").unwrap(), DaySet::ALL);
        assert!(DaySet::parse("monday").is_err());
        assert!(DaySet::parse("Mon").is_err());
        assert!(DaySet::parse("").is_err());
    }

    #[test]
    fn days_display_as_ranges() {
        assert_eq!(DaySet::parse("mon-fri").unwrap().to_string(), "mon-fri");
        assert_eq!(DaySet::parse("sat,sun").unwrap().to_string(), "sat,sun");
        assert_eq!(
            DaySet::parse("mon,wed-fri").unwrap().to_string(),
            "mon,wed-fri"
        );
    }

    #[test]
    fn times_are_24_hour_with_minutes() {
        assert_eq!(TimeOfDay::parse("08:00").unwrap().minutes(), 480);
        assert_eq!(TimeOfDay::parse("8:30").unwrap().minutes(), 510);
        assert_eq!(TimeOfDay::parse("24:00").unwrap().minutes(), 1440);
        for bad in ["8", "25:00", "12:60", "12:5", "ab:cd", "24:01", "-1:00"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coverage_wraps_past_midnight() {
        // Friday 18:00 to Saturday 08:00.
        let w = window("fri", "18:00", "08:00");
        let spec = HoursSpec::Windows(vec![w]);
        let mask = spec.mask();
        assert!(mask.contains(4 * MINUTES_PER_DAY + 18 * 60));
        assert!(mask.contains(5 * MINUTES_PER_DAY + 7 * 60 + 59));
        assert!(!mask.contains(5 * MINUTES_PER_DAY + 8 * 60));
        assert!(!mask.contains(4 * MINUTES_PER_DAY + 17 * 60 + 59));
    }

    #[test]
    fn sunday_night_window_wraps_into_monday() {
        let mask = HoursSpec::Windows(vec![window("sun", "22:00", "02:00")]).mask();
        assert!(mask.contains(MINUTES_PER_WEEK - 1));
        assert!(mask.contains(60));
        assert!(!mask.contains(120));
    }

    #[test]
    fn business_plus_after_hours_cover_the_week_except_weekend_days() {
        let mut mask = HoursSpec::Windows(vec![window("mon-fri", "08:00", "18:00")]).mask();
        mask.union(&HoursSpec::Windows(vec![window("mon-fri", "18:00", "08:00")]).mask());
        let gaps = mask.gaps();
        assert_eq!(gaps.len(), 1);
        assert_eq!(WeekMask::describe_span(gaps[0]), "sat 08:00–mon 08:00");
    }

    #[test]
    fn gap_over_sunday_midnight_is_one_span() {
        let mask = HoursSpec::Windows(vec![window("mon-fri", "08:00", "18:00")]).mask();
        let gaps = mask.gaps();
        assert_eq!(WeekMask::describe_span(gaps[0]), "mon 18:00–tue 08:00");
        assert_eq!(
            WeekMask::describe_span(*gaps.last().unwrap()),
            "fri 18:00–mon 08:00"
        );
        assert_eq!(gaps.len(), 5);
    }

    #[test]
    fn covered_spans_count_and_difference() {
        let business = HoursSpec::Windows(vec![window("mon-fri", "08:00", "18:00")]);
        let nights = HoursSpec::Windows(vec![window("mon-sun", "18:00", "08:00")]);
        let both = WeekMask::union_of([&business, &nights]);
        assert_eq!(business.mask().count(), 5 * 600);
        assert_eq!(both.count(), 5 * 600 + 7 * 840);
        let lost = both.minus(&nights.mask());
        assert_eq!(lost.count(), 5 * 600);
        assert_eq!(
            WeekMask::describe_span(lost.spans()[0]),
            "mon 08:00–mon 18:00"
        );
        // A covered run over Sunday midnight is one span, as gaps are.
        let spans = nights.mask().spans();
        assert_eq!(spans.len(), 7);
        assert_eq!(WeekMask::describe_span(spans[6]), "sun 18:00–mon 08:00");
    }

    /// What `cairn.js` reads from a `data-hours` pattern, as Rust.
    fn from_pattern(pattern: &str) -> WeekMask {
        let mut mask = WeekMask::default();
        let mut add = |a: usize, b: usize| {
            mask.fill(a, b);
            if b > MINUTES_PER_WEEK {
                mask.fill(0, b - MINUTES_PER_WEEK);
            }
        };
        for term in pattern.split(' ').filter(|t| !t.is_empty()) {
            let (span, days) = match term.split_once('/') {
                Some((span, days)) => (span, Some(days.parse::<u8>().unwrap())),
                None => (term, None),
            };
            let (a, b) = span.split_once('-').unwrap();
            let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
            match days {
                None => add(a, b),
                Some(days) => {
                    for d in (0..7).filter(|d| days & (1 << d) != 0) {
                        add(d * MINUTES_PER_DAY + a, d * MINUTES_PER_DAY + b);
                    }
                }
            }
        }
        mask
    }

    #[test]
    fn patterns_say_a_week_in_few_bytes() {
        let cases = [
            (vec![window("mon-fri", "08:00", "18:00")], "480-1080/31"),
            (vec![window("mon-sun", "18:00", "08:00")], "1080-1920/127"),
            (vec![window("mon-sun", "00:00", "00:00")], "0-10080"),
            (vec![window("sun", "22:00", "02:00")], "9960-10200"),
            (vec![window("fri", "18:00", "08:00")], "6840-7680"),
            (
                vec![
                    window("mon-fri", "08:00", "12:00"),
                    window("mon-fri", "12:00", "18:00"),
                    window("sat", "09:00", "13:00"),
                ],
                "480-1080/31 7740-7980",
            ),
            (
                vec![
                    window("fri", "18:00", "00:00"),
                    window("sat-sun", "00:00", "00:00"),
                ],
                "6840-10080",
            ),
            (
                vec![
                    window("sat-sun", "00:00", "00:00"),
                    window("mon", "00:00", "08:00"),
                ],
                "7200-10560",
            ),
            (vec![], ""),
        ];
        for (windows, want) in cases {
            let mask = HoursSpec::Windows(windows).mask();
            assert_eq!(mask.pattern(), want);
            assert_eq!(from_pattern(want), mask, "{want}");
        }
        assert_eq!(HoursSpec::Always.mask().pattern(), "0-10080");
    }

    proptest::proptest! {
        /// Whatever the windows, the pattern names the same minutes.
        #[test]
        fn a_pattern_names_the_minutes_of_its_hours(
            windows in proptest::collection::vec((1u8..128, 0u16..1440, 0u16..1440), 0..5)
        ) {
            let spec = HoursSpec::Windows(
                windows
                    .into_iter()
                    .map(|(days, from, to)| CoverageWindow::weekly(DaySet(days), TimeOfDay(from), TimeOfDay(to)))
                    .collect(),
            );
            let mask = spec.mask();
            proptest::prop_assert_eq!(from_pattern(&mask.pattern()), mask);
        }

        /// Masks filled and read a word at a time say what a minute at a
        /// time says: each minute's bit, and the covered and uncovered runs.
        #[test]
        fn a_mask_is_its_minutes(spans in proptest::collection::vec((0usize..10200, 0usize..700), 0..6)) {
            let mut mask = WeekMask::default();
            let mut minutes = vec![false; MINUTES_PER_WEEK];
            for &(start, len) in &spans {
                mask.fill(start, start + len);
                let end = (start + len).min(MINUTES_PER_WEEK);
                for minute in minutes.iter_mut().take(end).skip(start) {
                    *minute = true;
                }
            }
            for (m, &covered) in minutes.iter().enumerate() {
                proptest::prop_assert_eq!(mask.contains(m), covered, "minute {}", m);
            }
            proptest::prop_assert!(!mask.contains(MINUTES_PER_WEEK));
            for covered in [true, false] {
                // Runs a minute at a time, joined over Sunday midnight.
                let mut runs: Vec<(usize, usize)> = Vec::new();
                for (m, &c) in minutes.iter().enumerate() {
                    match runs.last_mut() {
                        Some(run) if c == covered && run.1 == m => run.1 = m + 1,
                        _ if c == covered => runs.push((m, m + 1)),
                        _ => {}
                    }
                }
                if runs.len() > 1 && runs[0].0 == 0 && runs[runs.len() - 1].1 == MINUTES_PER_WEEK {
                    let first = runs.remove(0);
                    let last = runs.len() - 1;
                    runs[last].1 = MINUTES_PER_WEEK + first.1;
                }
                let got = if covered { mask.spans() } else { mask.gaps() };
                proptest::prop_assert_eq!(got, runs);
            }
        }
    }

    #[test]
    fn always_has_no_gap() {
        assert!(HoursSpec::Always.mask().gaps().is_empty());
    }

    #[test]
    fn a_window_with_equal_ends_covers_a_whole_day() {
        let mask = HoursSpec::Windows(vec![window("mon-sun", "00:00", "00:00")]).mask();
        assert!(mask.gaps().is_empty());
    }
}
