//! The per-person limits of a service's [`BookingPolicy`](crate::hall::BookingPolicy), judged
//! on the person's appointments as read inside the booking transaction (under the person's
//! lock, see the module docs of `records::appointments`).
//!
//! - active: BOOKED appointments whose slot has not ended, at most `max_active_per_person`;
//! - per day / per ISO week (Monday to Sunday, local dates): appointments that were not
//!   cancelled (booked, checked in or no-show), at most `max_per_day` / `max_per_week`;
//! - no-shows: `no_show_limit` no-shows whose slot dates lie within `no_show_window_days`
//!   suspend booking until `suspension_days` after the last of them.
//!
//! A limit of 0 is no limit (`no_show_limit` 0 turns the no-show policy off).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::engine::{Engine, from_epoch};
use super::{AppointmentState, Rules};
use crate::domain::ServiceId;
use crate::error::QueueError;

/// One of the person's appointments in the service, as the limits need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: String,
    pub state: AppointmentState,
    pub local_date: NaiveDate,
    pub ends_at: DateTime<Utc>,
    /// The key it was booked with, so that a booking can tell its own retry among them.
    pub idempotency_key: String,
}

/// What [`held_sql`] reads.
pub(super) type HeldRow = (String, String, String, i64, String);

/// The person's appointments in one service of one branch that a limit may count: every
/// BOOKED one, and the others on or after `$4`. Parameters: `$1` id hash, `$2` branch,
/// `$3` service, `$4` the earliest local date ([`since`]).
pub(super) fn held_sql(pool: &impl Engine) -> String {
    format!(
        "SELECT a.id, a.state, CAST(a.local_date AS TEXT), {}, a.idempotency_key \
         FROM appointments a \
         JOIN slots s ON s.id = a.slot_id \
         WHERE a.id_hash = $1 AND a.branch_id = $2 AND a.service_id = $3 \
         AND (a.state = 'BOOKED' OR a.local_date >= {})",
        pool.epoch("s.ends_at"),
        pool.cast(4, "DATE"),
    )
}

/// The earliest local date a limit looks at when booking on `date`: the Monday of its week or
/// the start of the longest no-show window that could still suspend today, whichever is first.
pub(super) fn since(date: NaiveDate, rules: &Rules) -> NaiveDate {
    let policy = &rules.policy;
    let back = i64::from(policy.no_show_window_days) + i64::from(policy.suspension_days) + 1;
    monday(date).min(rules.today() - Duration::days(back))
}

pub(super) fn decode_held(rows: Vec<HeldRow>) -> anyhow::Result<Vec<Held>> {
    rows.into_iter()
        .map(|(id, state, date, ends, idempotency_key)| {
            Ok(Held {
                state: AppointmentState::parse(&state)
                    .ok_or_else(|| anyhow::anyhow!("appointment {id} has unknown state {state}"))?,
                local_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|e| anyhow::anyhow!("appointment {id} has local date {date}: {e}"))?,
                ends_at: from_epoch(ends)?,
                idempotency_key,
                id,
            })
        })
        .collect()
}

fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Whether the person may hold one more appointment in `service` on local date `date`, given
/// the appointments they hold (`exclude`: the one a reschedule moves, not counted).
/// FAILED_PRECONDITION with the limit and, for a suspension, its reason and end date.
pub fn judge(
    held: &[Held],
    service: &ServiceId,
    date: NaiveDate,
    rules: &Rules,
    exclude: Option<&str>,
) -> Result<(), QueueError> {
    let policy = &rules.policy;
    let held: Vec<&Held> = held
        .iter()
        .filter(|h| Some(h.id.as_str()) != exclude)
        .collect();
    if let Some((until, last)) = suspension(&held, rules) {
        return Err(QueueError::FailedPrecondition(format!(
            "booking in service '{service}' is suspended until {until}: {} no-shows within {} \
             days, the last on {last}",
            policy.no_show_limit, policy.no_show_window_days
        )));
    }
    let active = held
        .iter()
        .filter(|h| h.state == AppointmentState::Booked && h.ends_at > rules.now)
        .count();
    over(active, policy.max_active_per_person, || {
        format!("active appointments in service '{service}'")
    })?;
    let counted = |h: &&&Held| h.state != AppointmentState::Cancelled;
    let on_day = held
        .iter()
        .filter(counted)
        .filter(|h| h.local_date == date)
        .count();
    over(on_day, policy.max_per_day, || {
        format!("appointments in service '{service}' on {date}")
    })?;
    let week = monday(date);
    let in_week = held
        .iter()
        .filter(counted)
        .filter(|h| monday(h.local_date) == week)
        .count();
    over(in_week, policy.max_per_week, || {
        format!(
            "appointments in service '{service}' in the week of {week} to {}",
            week + Duration::days(6)
        )
    })
}

fn over(count: usize, limit: u32, what: impl FnOnce() -> String) -> Result<(), QueueError> {
    if limit > 0 && count >= limit as usize {
        return Err(QueueError::FailedPrecondition(format!(
            "a person may hold at most {limit} {}; this person already holds {count}",
            what()
        )));
    }
    Ok(())
}

/// The end of a suspension in force today (the first date booking is allowed again) and the
/// date of the no-show that started it.
fn suspension(held: &[&Held], rules: &Rules) -> Option<(NaiveDate, NaiveDate)> {
    let policy = &rules.policy;
    let limit = policy.no_show_limit as usize;
    if limit == 0 {
        return None;
    }
    let mut no_shows: Vec<NaiveDate> = held
        .iter()
        .filter(|h| h.state == AppointmentState::NoShow)
        .map(|h| h.local_date)
        .collect();
    no_shows.sort_unstable();
    let window = i64::from(policy.no_show_window_days);
    let today = rules.today();
    no_shows
        .windows(limit)
        .filter(|run| (run[limit - 1] - run[0]).num_days() < window)
        .map(|run| {
            let last = run[limit - 1];
            (
                last + Duration::days(i64::from(policy.suspension_days)),
                last,
            )
        })
        .filter(|(until, _)| today < *until)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hall::BookingPolicy;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    fn rules(today: u32) -> Rules {
        Rules {
            policy: BookingPolicy::default(),
            now: date(today).and_hms_opt(4, 0, 0).expect("time").and_utc(),
            tz: chrono_tz::Asia::Shanghai,
        }
    }

    fn held(id: &str, state: AppointmentState, d: u32) -> Held {
        Held {
            id: id.to_owned(),
            state,
            local_date: date(d),
            ends_at: date(d).and_hms_opt(2, 0, 0).expect("time").and_utc(),
            idempotency_key: format!("key-{id}"),
        }
    }

    fn service() -> ServiceId {
        ServiceId::parse("service", "social-security").expect("valid")
    }

    #[test]
    fn two_no_shows_within_thirty_days_suspend_for_ninety_after_the_last() {
        let no_shows = [
            held("a", AppointmentState::NoShow, 1),
            held("b", AppointmentState::NoShow, 20),
        ];
        let refused = judge(&no_shows, &service(), date(28), &rules(21), None);
        assert!(
            matches!(&refused, Err(QueueError::FailedPrecondition(m))
                if m.contains("suspended until 2027-03-20") && m.contains("the last on 2026-12-20")),
            "{refused:?}"
        );
        // 31 days apart: no suspension.
        let apart = [
            held("a", AppointmentState::NoShow, 1),
            held("b", AppointmentState::NoShow, 1),
        ];
        let mut far = apart.clone();
        far[1].local_date = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        assert!(judge(&far, &service(), date(28), &rules(21), None).is_ok());
        assert!(judge(&apart[..1], &service(), date(28), &rules(21), None).is_ok());
    }

    #[test]
    fn the_appointment_being_moved_is_not_counted() {
        let mine = [held("me", AppointmentState::Booked, 28)];
        assert!(judge(&mine, &service(), date(28), &rules(21), None).is_err());
        assert!(judge(&mine, &service(), date(28), &rules(21), Some("me")).is_ok());
    }
}
