//! Holiday sets: the dates each named set of `cairn.yaml` `holidays:` closes,
//! over a range of days.

use super::HolidayOn;
use crate::ics::IcsHoliday;
use crate::model::{Config, HolidayEntry};
use chrono::{Datelike, NaiveDate, TimeDelta};
use std::collections::{BTreeMap, HashMap};

/// Every holiday of every set between two dates.
#[derive(Debug, Default, Clone)]
pub(crate) struct HolidaySets {
    sets: HashMap<String, BTreeMap<NaiveDate, String>>,
}

impl HolidaySets {
    /// The holidays of `config`'s sets on days `[from, to)`; `files` holds the
    /// holiday files read at load, by site-relative path (one that failed to
    /// read adds nothing: its error stands).
    pub(crate) fn build(
        config: &Config,
        files: &HashMap<String, Vec<IcsHoliday>>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> HolidaySets {
        let mut sets = HashMap::new();
        for (set, entries) in &config.holidays {
            let mut days: BTreeMap<NaiveDate, String> = BTreeMap::new();
            let mut add = |d: NaiveDate, name: &str| {
                if d >= from && d < to {
                    days.entry(d).or_insert_with(|| name.to_string());
                }
            };
            for entry in entries {
                match entry {
                    HolidayEntry::Date { date, name } => add(*date, name),
                    HolidayEntry::Range {
                        from: a,
                        to: b,
                        name,
                    } => {
                        let mut d = (*a).max(from);
                        while d <= *b && d < to {
                            add(d, name);
                            d += TimeDelta::days(1);
                        }
                    }
                    HolidayEntry::Every { month, day, name } => {
                        for year in from.year()..=to.year() {
                            if let Some(d) = NaiveDate::from_ymd_opt(year, *month, *day) {
                                add(d, name);
                            }
                        }
                    }
                    HolidayEntry::Ics { path } => {
                        for h in files.get(path).into_iter().flatten() {
                            // A multi-day event that starts before `from` may reach into it.
                            let back = from - TimeDelta::days(h.days.max(1));
                            for start in h.starts_between(back, to) {
                                for i in 0..h.days.max(1) {
                                    add(start + TimeDelta::days(i), &h.name);
                                }
                            }
                        }
                    }
                }
            }
            sets.insert(set.clone(), days);
        }
        HolidaySets { sets }
    }

    /// The name of the holiday of `set` on `day`.
    pub(crate) fn name_on(&self, set: &str, day: NaiveDate) -> Option<&str> {
        self.sets.get(set)?.get(&day).map(String::as_str)
    }

    /// Whether `set` is defined.
    pub(crate) fn has(&self, set: &str) -> bool {
        self.sets.contains_key(set)
    }

    /// Every holiday, by date then set.
    pub(crate) fn all(&self) -> Vec<HolidayOn> {
        let mut out: Vec<HolidayOn> = self
            .sets
            .iter()
            .flat_map(|(set, days)| {
                days.iter().map(move |(date, name)| HolidayOn {
                    date: *date,
                    name: name.clone(),
                    set: set.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| (a.date, &a.set).cmp(&(b.date, &b.set)));
        out
    }
}
