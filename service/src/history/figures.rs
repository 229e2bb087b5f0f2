//! The statistics of a set of history entries and ratings, computed the same way whichever
//! engine the rows came from (proto/queuecall/v1/history.proto has the definitions).
//!
//! - `tickets`: entries (a transferred ticket counts once per service it was in); `done`,
//!   `no_shows`, `cancelled`, `expired`, `transferred`: entries by outcome.
//! - wait: `called_at − entered_at` (issue, or transfer in) over the entries that were called;
//!   service time: `ended_at − started_at` over the DONE entries; in seconds.
//! - p90: linear interpolation between the closest ranks, as PostgreSQL's
//!   `percentile_cont(0.9)`: over the sorted values `x[0] ≤ … ≤ x[n−1]`, with
//!   `r = 0.9 · (n − 1)`, `x[⌊r⌋] + (r − ⌊r⌋) · (x[⌈r⌉] − x[⌊r⌋])`; 0 when there is none.
//! - `no_show_rate = no_shows / (done + no_shows)`, `appointment_share = appointment entries /
//!   tickets`; 0 when the divisor is 0.
//! - ratings: counted in the group of the ticket's DONE entry; `average_overall` over them,
//!   each aspect averaged over the ratings that rated it (not 0); 0 when none.

use std::collections::{BTreeMap, HashMap};

use chrono::Timelike;
use chrono_tz::Tz;

use crate::domain::PriorityClass;
use crate::store::{HistoryEntry, Outcome};

use super::rating::Rating;

/// What the rows of the statistics are per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Service,
    /// The window that called the entry; entries never called are in no row.
    Window,
    /// The hour the entry began (issue or transfer in) in the branch's time zone.
    Hour,
}

/// The figures of one group, or of all entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Service id, window number or two-digit hour; empty in the total.
    pub key: String,
    pub tickets: u32,
    pub done: u32,
    pub no_shows: u32,
    pub cancelled: u32,
    pub expired: u32,
    pub transferred: u32,
    pub average_wait_seconds: f64,
    pub p90_wait_seconds: f64,
    pub average_service_seconds: f64,
    pub p90_service_seconds: f64,
    pub no_show_rate: f64,
    pub appointment_share: f64,
    pub ratings: u32,
    pub average_overall: f64,
    pub average_attitude: f64,
    pub average_quality: f64,
    pub average_efficiency: f64,
    pub average_integrity: f64,
}

/// Rows sorted by key, and the total over every entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub rows: Vec<Figures>,
    pub total: Figures,
}

/// The statistics of `entries` with `ratings`, grouped by `group` (`zone` places hours).
pub fn statistics(
    entries: &[HistoryEntry],
    ratings: &[Rating],
    group: Group,
    zone: Tz,
) -> Statistics {
    let mut figures = Accumulator::new(group, zone, ratings);
    for entry in entries {
        figures.add(entry);
    }
    figures.finish()
}

/// The statistics built one entry at a time, so that a long range is read as a stream and
/// only the durations are kept (16 bytes an entry).
#[derive(Debug)]
pub struct Accumulator {
    group: Group,
    zone: Tz,
    /// Scores by ticket id.
    rated: HashMap<String, [u8; 5]>,
    groups: BTreeMap<String, Tally>,
    total: Tally,
}

impl Accumulator {
    pub fn new(group: Group, zone: Tz, ratings: &[Rating]) -> Self {
        let rated = ratings
            .iter()
            .map(|r| {
                let s = &r.scores;
                let scores = [s.overall, s.attitude, s.quality, s.efficiency, s.integrity];
                (r.ticket.to_string(), scores)
            })
            .collect();
        Self {
            group,
            zone,
            rated,
            groups: BTreeMap::new(),
            total: Tally::default(),
        }
    }

    pub fn add(&mut self, entry: &HistoryEntry) {
        let rating = if entry.outcome == Outcome::Done {
            self.rated.get(&entry.ticket.to_string()).copied()
        } else {
            None
        };
        self.total.add(entry, rating);
        let key = match self.group {
            Group::Service => Some(entry.service.to_string()),
            // Zero-padded so that windows sort by number; shown plain.
            Group::Window => entry.window.map(|w| format!("{:04}", w.get())),
            Group::Hour => Some(format!(
                "{:02}",
                entry.entered_at.with_timezone(&self.zone).hour()
            )),
        };
        if let Some(key) = key {
            self.groups.entry(key).or_default().add(entry, rating);
        }
    }

    pub fn finish(self) -> Statistics {
        let group = self.group;
        Statistics {
            rows: self
                .groups
                .into_iter()
                .map(|(key, tally)| {
                    let key = match group {
                        Group::Window => key.trim_start_matches('0').to_owned(),
                        Group::Service | Group::Hour => key,
                    };
                    tally.figures(key)
                })
                .collect(),
            total: self.total.figures(String::new()),
        }
    }
}

/// `percentile_cont(0.9)` of `values` (see the module docs); 0 when empty.
pub fn p90(values: &[f64]) -> f64 {
    percentile(values, 0.9)
}

fn percentile(values: &[f64], fraction: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = fraction * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (rank - rank.floor()) * (sorted[hi] - sorted[lo])
}

/// The mean of `values`, summed in ascending order so that the result does not depend on
/// the order the rows were read in.
fn mean(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let values = sorted.as_slice();
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn ratio(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

fn seconds(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> f64 {
    (to - from).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6
}

#[derive(Debug, Default)]
struct Tally {
    tickets: u32,
    outcomes: HashMap<Outcome, u32>,
    appointments: u32,
    waits: Vec<f64>,
    services: Vec<f64>,
    ratings: Vec<[u8; 5]>,
}

impl Tally {
    fn add(&mut self, e: &HistoryEntry, rating: Option<[u8; 5]>) {
        self.tickets += 1;
        *self.outcomes.entry(e.outcome).or_default() += 1;
        if e.priority == PriorityClass::Appointment {
            self.appointments += 1;
        }
        if let Some(called) = e.called_at {
            self.waits.push(seconds(e.entered_at, called));
        }
        if e.outcome == Outcome::Done
            && let Some(started) = e.started_at
        {
            self.services.push(seconds(started, e.ended_at));
        }
        if let Some(scores) = rating {
            self.ratings.push(scores);
        }
    }

    fn count(&self, outcome: Outcome) -> u32 {
        self.outcomes.get(&outcome).copied().unwrap_or(0)
    }

    /// The mean of score `i` over the ratings that gave one (not 0).
    fn score(&self, i: usize) -> f64 {
        let given: Vec<f64> = self
            .ratings
            .iter()
            .map(|r| f64::from(r[i]))
            .filter(|s| *s > 0.0)
            .collect();
        mean(&given)
    }

    fn figures(&self, key: String) -> Figures {
        let done = self.count(Outcome::Done);
        let no_shows = self.count(Outcome::NoShow);
        Figures {
            key,
            tickets: self.tickets,
            done,
            no_shows,
            cancelled: self.count(Outcome::Cancelled),
            expired: self.count(Outcome::Expired),
            transferred: self.count(Outcome::Transferred),
            average_wait_seconds: mean(&self.waits),
            p90_wait_seconds: p90(&self.waits),
            average_service_seconds: mean(&self.services),
            p90_service_seconds: p90(&self.services),
            no_show_rate: ratio(no_shows, done + no_shows),
            appointment_share: ratio(self.appointments, self.tickets),
            ratings: u32::try_from(self.ratings.len()).unwrap_or(u32::MAX),
            average_overall: self.score(0),
            average_attitude: self.score(1),
            average_quality: self.score(2),
            average_efficiency: self.score(3),
            average_integrity: self.score(4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::p90;

    #[test]
    fn p90_interpolates_between_the_closest_ranks_like_percentile_cont() {
        assert_eq!(p90(&[]), 0.0);
        assert_eq!(p90(&[7.0]), 7.0);
        // r = 0.9 · 1 = 0.9: 10 + 0.9 · (20 − 10) = 19.
        assert!((p90(&[20.0, 10.0]) - 19.0).abs() < 1e-9);
        // 1..=10: r = 8.1 → 9 + 0.1 · 1 = 9.1.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((p90(&ten) - 9.1).abs() < 1e-9);
        // 11 values 0..=100 step 10: r = 9 exactly → 90.
        let eleven: Vec<f64> = (0..=10).map(|i| f64::from(i * 10)).collect();
        assert!((p90(&eleven) - 90.0).abs() < 1e-9);
    }
}
