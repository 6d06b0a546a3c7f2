//! The ordinary week on the site's clock, for what is drawn or checked by the
//! week (the weekly charts, `coverage-gap`, `cairn diff`): hours a party or a
//! window writes in its own `timezone:` are moved onto the site's clock by the
//! difference between the two zones in most weeks of the coming year. The
//! weeks the two zones change clocks on different dates (US and EU in March
//! and around Halloween) differ from that week by an hour; the dated
//! timelines ([`super::Calendar`]) convert every occurrence exactly, and the
//! dated check reports the minutes those weeks leave uncovered.

use super::Minute;
use super::intervals::normalize;
use super::zone::{local_date, to_utc};
use crate::model::{CoverageWindow, HoursSpec, MINUTES_PER_WEEK, weekday_index};
use chrono::{NaiveDate, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Minutes to add to a wall-clock time in `zone` to read it on the clock of
/// `site`, as in most of the 52 weeks from `around` (the first such value
/// when two are as common).
pub(crate) fn zone_shift(site: Tz, zone: Tz, around: NaiveDate) -> i64 {
    if site == zone {
        return 0;
    }
    let mut seen: BTreeMap<i64, u32> = BTreeMap::new();
    for week in 0..52 {
        let day = around + TimeDelta::weeks(week);
        let at = day.and_time(chrono::NaiveTime::MIN).and_utc() + TimeDelta::hours(12);
        let offset = |tz: Tz| {
            i64::from(
                tz.offset_from_utc_datetime(&at.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        };
        *seen.entry((offset(site) - offset(zone)) / 60).or_default() += 1;
    }
    let most = seen.values().copied().max().unwrap_or(0);
    seen.into_iter()
        .find(|&(_, n)| n == most)
        .map_or(0, |(shift, _)| shift)
}

/// `spec` on the site's clock: each window written in another zone (its own
/// `timezone:`, else the party's) moved by [`zone_shift`].
pub(crate) fn in_site_zone(
    spec: &HoursSpec,
    site: Tz,
    party: Option<Tz>,
    around: NaiveDate,
) -> HoursSpec {
    let HoursSpec::Windows(windows) = spec else {
        return spec.clone();
    };
    let moved = windows
        .iter()
        .map(|w| {
            let zone = w
                .timezone
                .as_ref()
                .and_then(|t| t.0.parse::<Tz>().ok())
                .or(party)
                .unwrap_or(site);
            match zone_shift(site, zone, around) {
                0 => CoverageWindow {
                    timezone: None,
                    ..w.clone()
                },
                by => w.shifted(by),
            }
        })
        .collect();
    HoursSpec::Windows(moved)
}

/// The hours `name` of `party` on the site's clock (see [`in_site_zone`]);
/// `None` when `cairn.yaml` names no such hours.
pub(crate) fn party_hours(
    config: &crate::model::Config,
    party: &crate::model::Party,
    name: &str,
    around: NaiveDate,
) -> Option<HoursSpec> {
    let spec = config.hours_named(name)?;
    let zone = party.timezone.as_ref().and_then(|t| t.0.parse().ok());
    Some(in_site_zone(&spec, config.tz(), zone, around))
}

/// Minute spans of the week (Monday 00:00 = 0, on the site's clock) laid over
/// the dates of `span`, wall clock in `tz`: what an ordinary week promises on
/// those dates.
pub(crate) fn over_dates(
    week: &[(usize, usize)],
    tz: Tz,
    span: super::Span,
) -> Vec<(Minute, Minute)> {
    let first = local_date(tz, span.start) - TimeDelta::days(7);
    let monday = first - TimeDelta::days(i64::from(weekday_index(first)));
    let last = local_date(tz, span.end);
    let mut out = Vec::new();
    let mut m = monday;
    while m <= last {
        let midnight = m.and_time(chrono::NaiveTime::MIN);
        for &(a, b) in week {
            let start = to_utc(tz, midnight + TimeDelta::minutes(a as i64));
            let end = to_utc(tz, midnight + TimeDelta::minutes(b as i64));
            let (start, end) = (start.max(span.start), end.min(span.end));
            if start < end {
                out.push((start, end));
            }
        }
        m += TimeDelta::weeks(1);
    }
    normalize(out)
}

/// [`WeekMask::spans`] joins a run over Sunday midnight (its end past the
/// week); as minutes of one week, that run is two.
pub(crate) fn split_at_week_end(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    spans
        .iter()
        .flat_map(|&(a, b)| {
            if b > MINUTES_PER_WEEK {
                vec![(a, MINUTES_PER_WEEK), (0, b - MINUTES_PER_WEEK)]
            } else {
                vec![(a, b)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DaySet, TimeOfDay};

    fn window(days: &str, from: &str, to: &str) -> HoursSpec {
        HoursSpec::Windows(vec![CoverageWindow::weekly(
            DaySet::parse(days).unwrap(),
            TimeOfDay::parse(from).unwrap(),
            TimeOfDay::parse(to).unwrap(),
        )])
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const NEW_YORK: Tz = chrono_tz::America::New_York;

    #[test]
    fn the_shift_is_that_of_most_weeks() {
        // London is 5 h ahead of New York but for about three weeks a year.
        let london = chrono_tz::Europe::London;
        assert_eq!(zone_shift(NEW_YORK, london, day("2026-12-01")), -300);
        assert_eq!(zone_shift(NEW_YORK, london, day("2027-03-15")), -300);
        // Tokyo keeps no summer time: 14 h ahead in New York's summer (most weeks).
        assert_eq!(
            zone_shift(NEW_YORK, chrono_tz::Asia::Tokyo, day("2026-12-01")),
            -13 * 60
        );
        assert_eq!(zone_shift(NEW_YORK, NEW_YORK, day("2026-12-01")), 0);
    }

    #[test]
    fn hours_in_another_zone_land_on_the_sites_clock() {
        let around = day("2026-12-01");
        let london = Some(chrono_tz::Europe::London);
        // 09:00-17:00 in London is 04:00-12:00 in New York.
        let got = in_site_zone(
            &window("mon-fri", "09:00", "17:00"),
            NEW_YORK,
            london,
            around,
        );
        assert_eq!(got, window("mon-fri", "04:00", "12:00"));
        // 02:00-06:00 on Mondays in London starts on Sunday evening in New York.
        let got = in_site_zone(&window("mon", "02:00", "06:00"), NEW_YORK, london, around);
        assert_eq!(got, window("sun", "21:00", "01:00"));
        assert_eq!(
            got.week_spans(),
            vec![(6 * 1440 + 21 * 60, 7 * 1440), (0, 60)]
        );
        // A whole day (00:00-24:00) stays 24 hours long.
        let got = in_site_zone(&window("sat", "00:00", "24:00"), NEW_YORK, london, around);
        assert_eq!(
            got.week_spans().iter().map(|(a, b)| b - a).sum::<usize>(),
            1440
        );
        // A window's own zone wins over the party's; none: the party's; neither: the site's.
        let mut w = window("mon", "09:00", "17:00");
        if let HoursSpec::Windows(ws) = &mut w {
            ws[0].timezone = Some(crate::model::Timezone("Asia/Tokyo".into()));
        }
        let got = in_site_zone(&w, NEW_YORK, london, around);
        assert_eq!(got, window("sun", "20:00", "04:00"));
        let plain = window("mon", "09:00", "17:00");
        assert_eq!(in_site_zone(&plain, NEW_YORK, None, around), plain);
    }

    #[test]
    fn a_week_laid_over_dates_follows_the_wall_clock_across_dst() {
        // Sundays 01:00-04:00 in New York; 14 Mar 2027 springs forward at 02:00.
        let week = [(6 * 1440 + 60, 6 * 1440 + 240)];
        let span = super::super::Span::days_from(day("2027-03-13"), 3, NEW_YORK);
        let got = over_dates(&week, NEW_YORK, span);
        let start = to_utc(NEW_YORK, day("2027-03-14").and_hms_opt(1, 0, 0).unwrap());
        // Two hours long that night: 01:00 EST to 04:00 EDT.
        assert_eq!(got, vec![(start, start + 120)]);
    }
}
