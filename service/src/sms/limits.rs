//! When a reminder may go out: per-number limits (counted over what was sent to the number)
//! and quiet hours in the branch's time zone for non-urgent kinds. Pure functions of the
//! instants given; the worker reads them from the outbox.
//!
//! A non-urgent reminder is postponed, never dropped. An urgent one (turn near, called) is
//! never held by quiet hours nor by the per-minute limit (a late "called" is useless), but it
//! still counts in every window; over the per-hour or per-day limit it is not postponed but
//! cancelled (late turn information would be wrong): see [`LimitSettings::verdict`].

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// `sms.limits.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Reminders to one number in any minute, hour and 24 hours; 0: no limit.
    pub per_minute: u32,
    pub per_hour: u32,
    pub per_day: u32,
    /// Non-urgent reminders wait from `quiet_from` to `quiet_until` (branch wall clock,
    /// `HH:MM`, across midnight when `quiet_from` is later); equal times: no quiet hours.
    pub quiet_from: NaiveTime,
    pub quiet_until: NaiveTime,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            per_minute: 1,
            per_hour: 5,
            per_day: 10,
            quiet_from: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            quiet_until: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }
}

/// Why a reminder may not go out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// A non-urgent reminder: it may go out at this instant.
    Until(DateTime<Utc>),
    /// An urgent reminder over the per-hour or per-day limit: it must not go out late.
    Over,
}

impl LimitSettings {
    /// The longest window a limit counts over: how far back the sends must be read.
    pub fn lookback(&self) -> Duration {
        Duration::days(1)
    }

    /// What the per-number limits say of a reminder to a number that was sent to at `sent`:
    /// `None` when it may go out `now`.
    pub fn verdict(
        &self,
        sent: &[DateTime<Utc>],
        now: DateTime<Utc>,
        urgent: bool,
    ) -> Option<Limited> {
        if urgent {
            let windows = [
                (self.per_hour, Duration::hours(1)),
                (self.per_day, Duration::days(1)),
            ];
            return Self::until(&windows, sent, now).map(|_| Limited::Over);
        }
        self.limited_until(sent, now).map(Limited::Until)
    }

    /// When a reminder to a number that was sent to at `sent` may go out, if not `now`: the
    /// first instant at which every window holds fewer sends than its limit.
    pub fn limited_until(
        &self,
        sent: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let windows = [
            (self.per_minute, Duration::minutes(1)),
            (self.per_hour, Duration::hours(1)),
            (self.per_day, Duration::days(1)),
        ];
        Self::until(&windows, sent, now)
    }

    /// The first instant at which each of `windows` (limit, length; limit 0: none) holds
    /// fewer of `sent` than its limit, if `now` is not one.
    fn until(
        windows: &[(u32, Duration)],
        sent: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let mut sent = sent.to_vec();
        sent.sort();
        windows
            .iter()
            .copied()
            .filter(|(limit, _)| *limit > 0)
            .filter_map(|(limit, window)| {
                let inside: Vec<_> = sent.iter().filter(|at| **at > now - window).collect();
                let over = inside.len().checked_sub(limit as usize)?;
                // The sends up to index `over` must leave the window for one more to fit.
                Some(*inside[over] + window)
            })
            .max()
    }

    /// The end of the quiet hours `now` falls in (in zone `tz`), if it falls in them.
    pub fn quiet_until(&self, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let (from, until) = (self.quiet_from, self.quiet_until);
        let local = now.with_timezone(&tz);
        let time = local.time();
        let quiet = match from.cmp(&until) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => from <= time && time < until,
            std::cmp::Ordering::Greater => time >= from || time < until,
        };
        if !quiet {
            return None;
        }
        let mut day = local.date_naive();
        if time >= until {
            day = day.succ_opt()?;
        }
        let end = tz.from_local_datetime(&day.and_time(until)).earliest()?;
        Some(end.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Shanghai
            .with_ymd_and_hms(2026, 11, 27, h, m, 0)
            .single()
            .expect("a Shanghai instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_cross_midnight_and_end_at_the_branch_morning() {
        let limits = LimitSettings::default();
        assert_eq!(limits.quiet_until(at(20, 59), Shanghai), None);
        assert_eq!(limits.quiet_until(at(8, 0), Shanghai), None);
        assert_eq!(
            limits.quiet_until(at(21, 0), Shanghai),
            Some(at(8, 0) + Duration::days(1))
        );
        assert_eq!(limits.quiet_until(at(7, 59), Shanghai), Some(at(8, 0)));
        let none = LimitSettings {
            quiet_until: limits.quiet_from,
            ..limits
        };
        assert_eq!(none.quiet_until(at(23, 0), Shanghai), None);
    }

    #[test]
    fn limits_postpone_until_the_oldest_send_leaves_the_window() {
        let limits = LimitSettings::default();
        let now = at(10, 0);
        assert_eq!(limits.limited_until(&[], now), None);
        let just = [now - Duration::seconds(20)];
        assert_eq!(
            limits.limited_until(&just, now),
            Some(now + Duration::seconds(40))
        );
        let hour: Vec<_> = (1..=5).map(|m| now - Duration::minutes(m * 10)).collect();
        assert_eq!(
            limits.limited_until(&hour, now),
            Some(now - Duration::minutes(50) + Duration::hours(1))
        );
        let four = &hour[..4];
        assert_eq!(limits.limited_until(four, now), None);
    }

    #[test]
    fn urgent_reminders_pass_the_minute_limit_and_end_over_the_hour_limit() {
        let limits = LimitSettings::default();
        let now = at(10, 0);
        let just = [now - Duration::seconds(20)];
        assert_eq!(limits.verdict(&just, now, true), None);
        assert_eq!(
            limits.verdict(&just, now, false),
            Some(Limited::Until(now + Duration::seconds(40)))
        );
        let hour: Vec<_> = (1..=5).map(|m| now - Duration::minutes(m * 10)).collect();
        assert_eq!(limits.verdict(&hour, now, true), Some(Limited::Over));
        assert_eq!(limits.verdict(&hour[..4], now, true), None);
        let day: Vec<_> = (1..=10).map(|h| now - Duration::hours(h * 2)).collect();
        assert_eq!(limits.verdict(&day[..9], now, true), None);
        assert_eq!(limits.verdict(&day, now, true), Some(Limited::Over));
    }

    #[test]
    fn limit_settings_read_times_as_hours_and_minutes() {
        let read: LimitSettings = serde_json::from_str(
            r#"{"per_minute": 0, "quiet_from": "22:30", "quiet_until": "07:00"}"#,
        )
        .expect("valid settings");
        assert_eq!(read.per_minute, 0);
        assert_eq!(
            read.quiet_from,
            NaiveTime::from_hms_opt(22, 30, 0).expect("a time")
        );
        assert_eq!(read.per_day, 10);
    }
}
