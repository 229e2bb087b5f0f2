//! The outbox worker: every replica runs one. Each round it claims a batch of due reminders
//! ([`outbox::claim`], which marks the attempt before anything is sent), and for each: holds a
//! non-urgent one back in the branch's quiet hours or over a per-number limit, cancels an
//! urgent one over the per-hour or per-day limit ([`LimitSettings::verdict`]), cancels an appointment-soon reminder whose appointment is no longer
//! booked, asks the provider first when an earlier attempt may have reached it,
//! sends through the [`Sender`], and records the outcome. Retryable failures come back after
//! `backoff_base · 2^(attempt − 1)` with full jitter (capped, and not before the provider's
//! Retry-After) until `max_attempts`, then the reminder is dead; permanent refusals are never
//! retried.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rand::RngExt;
use serde::Deserialize;

use super::limits::{LimitSettings, Limited};
use super::{OutgoingSms, SendOutcome, Sender};
use crate::clock::Clock;
use crate::domain::Phone;
use crate::error::QueueError;
use crate::records::Db;
use crate::records::appointments::{self, AppointmentState};
use crate::records::outbox::{self, Claimed, Outcome, SmsKind};

/// `sms.outbox.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxSettings {
    /// Reminders claimed per round.
    pub batch: usize,
    /// How often a worker looks for due reminders.
    pub poll_ms: u64,
    /// How long a claim holds a reminder: a worker that dies leaves it to another after this.
    pub lease_seconds: u64,
    /// Attempts before a reminder that keeps failing is dead.
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            batch: 20,
            poll_ms: 1000,
            lease_seconds: 60,
            max_attempts: 8,
            backoff_base_ms: 2000,
            backoff_cap_ms: 600_000,
        }
    }
}

impl OutboxSettings {
    /// The wait before the attempt after attempt `attempts`: up to
    /// `backoff_base · 2^(attempts − 1)`, capped, drawn uniformly (full jitter).
    pub fn backoff(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let ceiling = self
            .backoff_base_ms
            .saturating_mul(1 << exp)
            .min(self.backoff_cap_ms);
        Duration::from_millis(rand::rng().random_range(0..=ceiling))
    }
}

/// The time zone of a branch, by id.
pub type Zones = Arc<dyn Fn(&str) -> Tz + Send + Sync>;

/// Sends what the outbox holds; see the module docs.
pub struct Worker {
    db: Db,
    sender: Arc<dyn Sender>,
    clock: Arc<dyn Clock>,
    settings: OutboxSettings,
    limits: LimitSettings,
    zones: Zones,
}

impl Worker {
    pub fn new(
        db: Db,
        sender: Arc<dyn Sender>,
        clock: Arc<dyn Clock>,
        settings: OutboxSettings,
        limits: LimitSettings,
        zones: Zones,
    ) -> Self {
        Self {
            db,
            sender,
            clock,
            settings,
            limits,
            zones,
        }
    }

    /// One round: claims up to a batch and handles each; answers how many were claimed.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let lease = Duration::from_secs(self.settings.lease_seconds);
        let claimed = outbox::claim(&self.db, self.clock.now(), self.settings.batch, lease).await?;
        let count = claimed.len();
        for row in claimed {
            let outcome = match self.attempt(&row).await {
                Ok(outcome) => outcome,
                Err(err) => self.retry(&row, self.clock.now(), None, format!("{err:#}"), false),
            };
            tracing::debug!(sms = %row.id, kind = %row.kind, attempt = row.attempts, ?outcome, "sms attempt");
            outbox::record_outcome(&self.db, &row, outcome, self.clock.now()).await?;
        }
        Ok(count)
    }

    /// Rounds every `poll_ms` (at once again after a full batch) until `stop` resolves.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let poll = Duration::from_millis(self.settings.poll_ms.max(1));
        tokio::pin!(stop);
        loop {
            let wait = match self.run_once().await {
                Ok(n) if n >= self.settings.batch && n > 0 => Duration::ZERO,
                Ok(_) => poll,
                Err(err) => {
                    tracing::warn!(error = format!("{err:#}"), "sms outbox round failed");
                    poll
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = &mut stop => break,
            }
        }
        tracing::debug!("sms outbox worker stopped");
    }

    /// What to record for `row`: held back, found sent, or the provider's answer.
    async fn attempt(&self, row: &Claimed) -> anyhow::Result<Outcome> {
        let now = self.clock.now();
        let Ok(to) = Phone::parse("phone", &row.phone) else {
            return Ok(Outcome::Failed {
                code: None,
                error: "not a mobile number".to_owned(),
            });
        };
        if row.kind == SmsKind::AppointmentSoon && !self.still_booked(&row.subject).await? {
            return Ok(Outcome::Cancelled {
                reason: "the appointment is no longer booked".to_owned(),
            });
        }
        if !row.urgent
            && let Some(at) = self.limits.quiet_until(now, (self.zones)(&row.branch))
        {
            return Ok(Outcome::Postponed {
                at,
                reason: "quiet hours".to_owned(),
            });
        }
        let since = now - self.limits.lookback();
        let sent = outbox::recent_sends(&self.db, &row.phone, &row.id, since, now).await?;
        match self.limits.verdict(&sent, now, row.urgent) {
            None => {}
            Some(Limited::Until(at)) => {
                tracing::info!(sms = %row.id, to = %to.masked(), until = %at, "sms postponed by the per-number limit");
                return Ok(Outcome::Postponed {
                    at,
                    reason: "per-number limit".to_owned(),
                });
            }
            Some(Limited::Over) => {
                tracing::warn!(sms = %row.id, kind = %row.kind, to = %to.masked(), "urgent sms cancelled by the per-number limit");
                return Ok(Outcome::Cancelled {
                    reason: "per-number limit".to_owned(),
                });
            }
        }
        let sms = OutgoingSms {
            outbox_id: row.id.clone(),
            to,
            body: row.body.clone(),
        };
        if let Some(since) = row.verify_since {
            match self.sender.find_sent(&sms, since).await {
                Ok(Some((sid, status))) => {
                    tracing::info!(sms = %row.id, sid, "sms found sent after an ambiguous attempt");
                    return Ok(Outcome::Sent { sid, status });
                }
                // The pass after an ambiguous last attempt only asks.
                Ok(None) if row.attempts > self.settings.max_attempts => {
                    return Ok(Outcome::Dead {
                        error: "the last attempt timed out and the provider has no such message"
                            .to_owned(),
                    });
                }
                Ok(None) => {}
                Err(error) => return Ok(self.retry(row, now, None, error, false)),
            }
        }
        Ok(match self.sender.send(&sms).await {
            SendOutcome::Accepted { sid, status } => Outcome::Sent { sid, status },
            SendOutcome::Retryable {
                reason,
                retry_after,
            } => self.retry(row, now, retry_after, reason, false),
            SendOutcome::Ambiguous { reason } => self.retry(row, now, None, reason, true),
            SendOutcome::Permanent { code, reason } => {
                tracing::warn!(sms = %row.id, to = %sms.to.masked(), code, reason, "sms refused for good");
                Outcome::Failed {
                    code,
                    error: reason,
                }
            }
        })
    }

    /// Whether the appointment of an appointment-soon `subject` is still BOOKED in the slot the
    /// reminder was made for (checked again at send time). The subject is
    /// `<appointment id>@<slot id>` (a reschedule keeps the appointment id and moves the slot);
    /// a bare `<appointment id>` checks the state only.
    async fn still_booked(&self, subject: &str) -> anyhow::Result<bool> {
        let (id, slot) = match subject.split_once('@') {
            Some((id, slot)) => (id, Some(slot)),
            None => (subject, None),
        };
        match appointments::get(&self.db, id).await {
            Ok(appointment) => Ok(appointment.state == AppointmentState::Booked
                && slot.is_none_or(|slot| appointment.slot_id.to_string() == slot)),
            Err(QueueError::NotFound { .. }) => Ok(false),
            Err(err) => Err(anyhow::anyhow!("reading appointment {id}: {err}")),
        }
    }

    /// Again after the backoff, or dead after the last attempt — except an ambiguous last
    /// attempt, which gets one more pass that only asks the provider.
    fn retry(
        &self,
        row: &Claimed,
        now: DateTime<Utc>,
        retry_after: Option<Duration>,
        error: String,
        ambiguous: bool,
    ) -> Outcome {
        let last = self.settings.max_attempts;
        if row.attempts > last || (row.attempts == last && !ambiguous) {
            tracing::warn!(sms = %row.id, attempts = row.attempts, error, "sms dead after its last attempt");
            return Outcome::Dead { error };
        }
        let wait = self
            .settings
            .backoff(row.attempts)
            .max(retry_after.unwrap_or_default());
        let at = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        if ambiguous {
            Outcome::Ambiguous { at, error }
        } else {
            Outcome::Retry { at, error }
        }
    }
}

/// The branches' time zones as the hall has them now (Asia/Shanghai for a branch it lost).
pub fn zones_of(hall: Arc<crate::hall::HallHandle>) -> Zones {
    Arc::new(move |branch: &str| {
        hall.load()
            .branches
            .values()
            .find(|b| b.id.as_str() == branch)
            .map_or(chrono_tz::Asia::Shanghai, |b| b.time_zone)
    })
}
