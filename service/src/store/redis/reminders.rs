//! The reminder buffer on Redis: the stream `P:reminders` that `lua/reminders.lua` appends to
//! in the scripts of the steps that move the queue. Reading and acknowledging are the shared
//! stream commands of `stream.rs`.

use std::collections::HashMap;

use anyhow::anyhow;
use redis::Value;

use super::RedisStore;
use super::decode::{array, text};
use super::events::fields;
use super::keys;
use crate::domain::{Phone, ServiceId, TicketId, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{BufferedReminder, ReminderIntent, ReminderKind};

// The message never holds the phone number.
fn bad(what: impl std::fmt::Display) -> QueueError {
    QueueError::Internal(anyhow!("unreadable redis reminder entry: {what}"))
}

impl RedisStore {
    pub(super) async fn read_reminders(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> QueueResult<Vec<BufferedReminder>> {
        let key = keys::reminders(&self.prefix(branch));
        self.read_stream(key, limit, buffered).await
    }

    pub(super) async fn delete_reminders(
        &self,
        branch: &Branch,
        ids: &[String],
    ) -> QueueResult<usize> {
        let key = keys::reminders(&self.prefix(branch));
        self.delete_from_stream(key, ids).await
    }
}

/// One stream entry `[id, fields]`.
fn buffered(value: Value) -> QueueResult<BufferedReminder> {
    let mut parts = array(value)?.into_iter();
    let id = text(&parts.next().ok_or_else(|| bad("entry without id"))?)?;
    let fields = fields(parts.next().ok_or_else(|| bad("entry without fields"))?)?;
    let intent = intent(&fields).map_err(|e| bad(format!("{id}: {e}")))?;
    Ok(BufferedReminder { id, intent })
}

fn intent(f: &HashMap<String, String>) -> Result<ReminderIntent, String> {
    let opt = |name: &str| f.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let get = |name: &str| opt(name).ok_or_else(|| format!("lacks field {name}"));
    let bad_field = |name: &str| format!("field {name} is not valid");
    Ok(ReminderIntent {
        kind: ReminderKind::parse(get("kind")?).ok_or_else(|| bad_field("kind"))?,
        ticket: TicketId::parse(get("ticket")?).map_err(|_| bad_field("ticket"))?,
        service: ServiceId::parse("service", get("service")?).map_err(|_| bad_field("service"))?,
        phone: Phone::parse("phone", get("phone")?).map_err(|_| bad_field("phone"))?,
        ahead: opt("ahead").map_or(Ok(0), |v| v.parse().map_err(|_| bad_field("ahead")))?,
        window: opt("window")
            .map(|v| {
                v.parse()
                    .ok()
                    .and_then(|n| WindowNo::parse("window", n).ok())
                    .ok_or_else(|| bad_field("window"))
            })
            .transpose()?,
        call: opt("call")
            .map(|v| v.parse().map_err(|_| bad_field("call")))
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let base = [
            ("kind", "called"),
            ("ticket", "b1.20261127.A001"),
            ("service", "social"),
            ("phone", "13800000001"),
            ("ahead", "0"),
            ("window", "4"),
        ];
        base.iter()
            .chain(extra)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_numbered_called_entry_has_its_own_subject() {
        let intent = intent(&entry(&[("call", "2")])).expect("readable");
        assert_eq!(intent.call, Some(2));
        assert_eq!(intent.subject(), "b1.20261127.A001#2");
    }

    #[test]
    fn an_entry_buffered_before_numbering_keeps_the_ticket_as_subject() {
        let intent = intent(&entry(&[])).expect("readable");
        assert_eq!(intent.call, None);
        assert_eq!(intent.subject(), "b1.20261127.A001");
        let bad = intent_err(&entry(&[("call", "x")]));
        assert!(bad.contains("call"), "{bad}");
    }

    fn intent_err(f: &HashMap<String, String>) -> String {
        intent(f).expect_err("unreadable")
    }
}
