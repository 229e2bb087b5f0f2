//! Rate limits on the calls a script would repeat to empty a day's tickets or slots:
//! TakeTicket per phone number and per client, BookAppointment per person (the keyed hash of
//! the ID number, never the number) and per client. Over a limit the call is answered
//! RESOURCE_EXHAUSTED naming what was limited, with a retry hint (the message and a
//! `google.rpc.RetryInfo` detail) and changes nothing.
//!
//! Each limit is a count per fixed window (`count` calls per `window_seconds`, counted by the
//! service's clock). With Redis the counters live there (one `INCR` with an expiry per counter,
//! shared by every replica); embedded, in the process. A counter that cannot be read lets the
//! call through (the call itself then meets the same outage and answers UNAVAILABLE).
//!
//! "Client" is the caller's token name (`auth`: old and new token of a rotation count as
//! one client); with access control off, the peer's IP address (behind a proxy every caller
//! then shares the proxy's address). `per_client` limits are off by default.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::redis_link::{LazyLink, Target};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::StoreSettings;
use crate::domain::identity::{IdHasher, ResidentId};

/// `count` calls per `window_seconds`; a count of 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub count: u32,
    pub window_seconds: u64,
}

impl Rate {
    pub const OFF: Rate = Rate {
        count: 0,
        window_seconds: 60,
    };

    fn active(self) -> bool {
        self.count > 0 && self.window_seconds > 0
    }
}

/// `rate_limits.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleSettings {
    pub take_ticket_per_phone: Rate,
    pub take_ticket_per_client: Rate,
    pub book_per_person: Rate,
    pub book_per_client: Rate,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            take_ticket_per_phone: Rate {
                count: 10,
                window_seconds: 3600,
            },
            take_ticket_per_client: Rate::OFF,
            book_per_person: Rate {
                count: 20,
                window_seconds: 3600,
            },
            book_per_client: Rate::OFF,
        }
    }
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    TakeTicketPerPhone,
    TakeTicketPerClient,
    BookPerPerson,
    BookPerClient,
}

impl Limit {
    fn key(self) -> &'static str {
        match self {
            Limit::TakeTicketPerPhone => "take:phone",
            Limit::TakeTicketPerClient => "take:client",
            Limit::BookPerPerson => "book:person",
            Limit::BookPerClient => "book:client",
        }
    }

    /// The request field (or "client") the refusal names.
    fn what(self) -> &'static str {
        match self {
            Limit::TakeTicketPerPhone => "phone",
            Limit::BookPerPerson => "resident_id",
            Limit::TakeTicketPerClient | Limit::BookPerClient => "client",
        }
    }
}

/// A refused call: what was limited and how long until the window ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub retry_after: Duration,
}

/// Where the counters live.
enum Counters {
    Memory(Mutex<HashMap<String, (u64, u32)>>),
    Redis { link: LazyLink, prefix: String },
}

/// The limits and their counters.
pub struct Throttle {
    settings: ThrottleSettings,
    counters: Counters,
    /// Subjects are counted under their keyed hash: no phone or ID number in the counters.
    hasher: IdHasher,
}

/// Counters kept in the process before old windows are dropped.
const MEMORY_KEYS: usize = 100_000;

const INCR: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
";

impl Throttle {
    /// Counters in Redis when the live store is Redis, else in the process.
    pub fn new(
        settings: ThrottleSettings,
        store: &StoreSettings,
        hasher: IdHasher,
    ) -> anyhow::Result<Self> {
        let counters = match store {
            StoreSettings::Embedded { .. } => Counters::Memory(Mutex::new(HashMap::new())),
            StoreSettings::Redis {
                url,
                key_prefix,
                cluster,
            } => Counters::Redis {
                link: Target::new(url, *cluster)?
                    .lazy(Duration::from_secs(1), Duration::from_secs(1))?,
                prefix: key_prefix.clone(),
            },
        };
        Ok(Self {
            settings,
            counters,
            hasher,
        })
    }

    /// The subject a person's bookings are counted under (the keyed hash of the ID number).
    pub fn person(&self, id: &ResidentId) -> String {
        self.hasher.hash(id)
    }

    fn rate(&self, limit: Limit) -> Rate {
        match limit {
            Limit::TakeTicketPerPhone => self.settings.take_ticket_per_phone,
            Limit::TakeTicketPerClient => self.settings.take_ticket_per_client,
            Limit::BookPerPerson => self.settings.book_per_person,
            Limit::BookPerClient => self.settings.book_per_client,
        }
    }

    /// Counts one call of `subject` against `limit` at `now`; refused when it is over.
    pub async fn check(
        &self,
        limit: Limit,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Refused> {
        let rate = self.rate(limit);
        if !rate.active() {
            return Ok(());
        }
        let window_ms = rate.window_seconds.saturating_mul(1000);
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or_default();
        let window = now_ms / window_ms;
        let key = format!(
            "{}:{}:{window}",
            limit.key(),
            &self.hasher.hash_text(subject)[..32]
        );
        let count = match self.count(&key, window, window_ms).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(
                    error = format!("{error:#}"),
                    limit = limit.key(),
                    "rate limit counter unreadable; the call is let through"
                );
                return Ok(());
            }
        };
        if count <= u64::from(rate.count) {
            return Ok(());
        }
        let retry_after = Duration::from_millis((window + 1) * window_ms - now_ms);
        Err(Refused {
            message: format!(
                "{}: at most {} calls per {} s; retry in {} s",
                limit.what(),
                rate.count,
                rate.window_seconds,
                retry_after.as_secs().max(1)
            ),
            retry_after,
        })
    }

    async fn count(&self, key: &str, window: u64, window_ms: u64) -> anyhow::Result<u64> {
        match &self.counters {
            Counters::Memory(map) => {
                let mut map = map
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if map.len() >= MEMORY_KEYS {
                    map.retain(|_, (w, _)| *w >= window);
                }
                let entry = map.entry(key.to_owned()).or_insert((window, 0));
                entry.1 = entry.1.saturating_add(1);
                Ok(u64::from(entry.1))
            }
            Counters::Redis { link, prefix } => {
                let mut conn = link.get().await?;
                let count: u64 = redis::Script::new(INCR)
                    .key(format!("{prefix}:rl:{key}"))
                    .arg(window_ms)
                    .invoke_async(&mut conn)
                    .await?;
                Ok(count)
            }
        }
    }
}
