//! The reminder relay: one task per replica that drains every branch's reminder buffer
//! (store/mod.rs, "Reminder buffer") into the SMS outbox, like the history recorder.
//!
//! For each branch it reads the oldest intents, renders each with the branch's templates,
//! enqueues them in one records transaction and only after the commit acknowledges exactly
//! those intents. While the records database is down nothing is acknowledged and the intents
//! wait in the live store; a crash between the commit and the acknowledgement enqueues them
//! again, which the outbox's unique (subject, kind) ignores, so several replicas may drain one
//! buffer at once and a reminder is still created once.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, HallHandle};
use crate::records::Db;
use crate::records::history::db_error;
use crate::records::outbox::{NewSms, SmsKind, enqueue_in};
use crate::sms::templates::{Fill, Kind, Templates};
use crate::store::drain::{Drain, drain_branch};
use crate::store::{BufferedReminder, QueueStore, ReminderKind};

/// How often the buffers are drained.
pub const RELAY_EVERY: Duration = Duration::from_secs(1);

/// Intents moved per transaction.
const BATCH: usize = 200;

/// While failing, a warning at most this often.
const WARN_EVERY: Duration = Duration::from_secs(30);

/// Drains the live store's reminder buffers into the outbox.
pub struct Relay {
    store: Arc<dyn QueueStore>,
    db: Db,
    hall: Arc<HallHandle>,
    templates: Arc<Templates>,
    clock: Arc<dyn Clock>,
}

impl Relay {
    pub fn new(
        store: Arc<dyn QueueStore>,
        db: Db,
        hall: Arc<HallHandle>,
        templates: Arc<Templates>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            db,
            hall,
            templates,
            clock,
        }
    }

    /// Moves every pending intent of every branch into the outbox; answers how many were
    /// acknowledged (enqueued now or found there already). Stops at the first failure.
    pub async fn drain(&self) -> Result<usize, QueueError> {
        let hall = self.hall.load();
        let mut relayed = 0;
        for branch in hall.branches.values() {
            relayed += drain_branch(self, branch, BATCH)
                .await
                .map_err(|s| s.error)?;
        }
        Ok(relayed)
    }

    /// Enqueues `messages` in one transaction.
    async fn enqueue_all(&self, messages: &[NewSms], now: DateTime<Utc>) -> anyhow::Result<()> {
        match &self.db {
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await.context("beginning a reminder relay")?;
                for sms in messages {
                    enqueue_in(&mut *tx, sms, now).await?;
                }
                tx.commit().await.context("committing a reminder relay")
            }
            Db::Sqlite(pool) => {
                let mut tx = pool.begin().await.context("beginning a reminder relay")?;
                for sms in messages {
                    enqueue_in(&mut *tx, sms, now).await?;
                }
                tx.commit().await.context("committing a reminder relay")
            }
        }
    }

    /// Drains every [`RELAY_EVERY`] until `stop` resolves, then once more.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let mut every = tokio::time::interval(RELAY_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_warning: Option<tokio::time::Instant> = None;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = &mut stop => break,
            }
            match self.drain().await {
                Ok(relayed) => {
                    if relayed > 0 {
                        tracing::debug!(relayed, "reminders relayed to the outbox");
                    }
                    last_warning = None;
                }
                Err(error) => {
                    let now = tokio::time::Instant::now();
                    if last_warning.is_none_or(|at| now - at >= WARN_EVERY) {
                        last_warning = Some(now);
                        tracing::warn!(error = %error,
                            "reminders not relayed; they stay buffered in the live store and are retried every second");
                    }
                }
            }
        }
        if let Err(error) = self.drain().await {
            tracing::warn!(error = %error,
                "reminders not relayed at shutdown; they stay buffered for the next start");
        }
    }
}

impl Drain for Relay {
    type Entry = BufferedReminder;

    async fn read(&self, branch: &Branch, limit: usize) -> QueueResult<Vec<BufferedReminder>> {
        self.store.reminders_pending(branch, limit).await
    }

    async fn write(&self, branch: &Branch, batch: &[BufferedReminder]) -> QueueResult<()> {
        let now = self.clock.now();
        let messages: Vec<NewSms> = batch
            .iter()
            .map(|b| message(&self.templates, branch, b, now))
            .collect();
        self.enqueue_all(&messages, now).await.map_err(db_error)
    }

    async fn ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.store.reminders_ack(branch, ids).await
    }

    fn id(entry: &BufferedReminder) -> &str {
        &entry.id
    }
}

/// The outbox row of one intent: subject the intent's (the ticket id; `<ticket id>#<n>` for
/// the ticket's n-th called intent), body from the branch's template.
pub fn message(
    templates: &Templates,
    branch: &Branch,
    buffered: &BufferedReminder,
    now: DateTime<Utc>,
) -> NewSms {
    let intent = &buffered.intent;
    let (kind, template) = match intent.kind {
        ReminderKind::TurnNear => (SmsKind::TurnNear, Kind::TurnNear),
        ReminderKind::Called => (SmsKind::Called, Kind::Called),
    };
    let service = branch
        .services
        .iter()
        .find(|s| s.id == intent.service)
        .map_or_else(|| intent.service.as_str().to_owned(), |s| s.name.clone());
    let fill = Fill {
        number: intent.ticket.number.to_string(),
        window: intent
            .window
            .map(|w| w.get().to_string())
            .unwrap_or_default(),
        ahead: intent.ahead.to_string(),
        service,
        branch: branch.name.clone(),
        ..Fill::default()
    };
    NewSms {
        subject: intent.subject(),
        kind,
        branch: branch.id.clone(),
        phone: intent.phone.clone(),
        body: templates.render(branch.id.as_str(), template, &fill),
        urgent: kind.urgent(),
        not_before: now,
    }
}
