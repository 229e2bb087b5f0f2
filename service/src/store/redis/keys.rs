//! The key layout of the Redis store.
//!
//! Every key of a branch starts with `<key_prefix>:{<branch-id>}`, so every key of a branch
//! carries the hash tag `{<branch-id>}` and lives in one Redis Cluster slot. Rust passes that
//! branch prefix as `KEYS[1]` to every script, and the scripts build the keys below from it
//! (`lua/lib.lua`); since each built key hashes to the slot of `KEYS[1]`, the scripts are
//! single-slot and run unchanged on Redis Cluster.
//!
//! | key | type | holds |
//! |---|---|---|
//! | `P:t:<ticket-id>` | hash | the ticket (fields: see `decode`) |
//! | `P:w:<yyyymmdd>:<service>` | sorted set | waiting ticket ids scored by queue key |
//! | `P:n:<yyyymmdd>:<service>` | string | tickets issued that day (expires after 3 days) |
//! | `P:idem:<yyyymmdd>:<key>` | string | the ticket id of an idempotency key (expires after 2 days) |
//! | `P:win:<number>` | hash | `state`, `reason`, `current` ticket id, ratio cycle `pos` |
//! | `P:svc:<service>` | hash | `avg`: moving average of service times in ms |
//! | `P:wsets` | set | `<yyyymmdd>:<service>` of every waiting set that may hold tickets |
//! | `P:open` | set | numbers of the OPEN windows |
//! | `P:openl` | string | the same as `<n> <n> ...`, read by the steps in one GET (written by `set_window`) |
//! | `P:evseq` | string | the id of the branch's last board event (`lua/emit.lua`) |
//! | `P:events` | stream | board events, entry id `<event id>-0`, trimmed to about the retention |
//! | `P:history` | stream | history entries of ended legs (`lua/history.lua`), never trimmed; XDEL on ack |
//! | `P:reminders` | stream | SMS reminder intents (`lua/reminders.lua`), never trimmed; XDEL on ack |

use anyhow::bail;
use chrono::{Datelike, NaiveDate};

use crate::domain::{BranchId, TicketId};

/// Checks a configured key prefix: it must not break the hash tag that follows it.
pub(super) fn check_key_prefix(key_prefix: &str) -> anyhow::Result<()> {
    if key_prefix.is_empty() {
        bail!("redis key prefix must not be empty");
    }
    if key_prefix
        .chars()
        .any(|c| c == '{' || c == '}' || c.is_whitespace() || c.is_control())
    {
        bail!("redis key prefix '{key_prefix}' must not hold braces or white space");
    }
    Ok(())
}

/// `<key_prefix>:{<branch>}`, `KEYS[1]` of every script.
pub(super) fn branch_prefix(key_prefix: &str, branch: &BranchId) -> String {
    format!("{key_prefix}:{{{branch}}}")
}

/// The counter of the branch's board events.
pub(super) fn event_seq(branch_prefix: &str) -> String {
    format!("{branch_prefix}:evseq")
}

/// The stream of the branch's board events.
pub(super) fn events(branch_prefix: &str) -> String {
    format!("{branch_prefix}:events")
}

/// The stream of the branch's reminder buffer.
pub(super) fn reminders(branch_prefix: &str) -> String {
    format!("{branch_prefix}:reminders")
}

/// The stream of the branch's history buffer.
pub(super) fn history(branch_prefix: &str) -> String {
    format!("{branch_prefix}:history")
}

/// A service day as the keys and ticket ids spell it.
pub(super) fn day(day: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", day.year(), day.month(), day.day())
}

/// The hash of one ticket.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) fn ticket(branch_prefix: &str, id: &TicketId) -> String {
    format!("{branch_prefix}:t:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_branch_shares_its_hash_tag() {
        let branch = BranchId::parse("branch", "district-centre").expect("branch");
        let prefix = branch_prefix("qc", &branch);
        assert_eq!(prefix, "qc:{district-centre}");
        let id = TicketId::parse("district-centre.20261127.A023").expect("id");
        assert_eq!(
            ticket(&prefix, &id),
            "qc:{district-centre}:t:district-centre.20261127.A023"
        );
        assert_eq!(events(&prefix), "qc:{district-centre}:events");
        assert_eq!(event_seq(&prefix), "qc:{district-centre}:evseq");
    }

    #[test]
    fn days_are_spelled_yyyymmdd() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
        assert_eq!(day(d), "20260105");
    }

    #[test]
    fn key_prefixes_that_break_the_hash_tag_are_refused() {
        assert!(check_key_prefix("qc").is_ok());
        assert!(check_key_prefix("queuecall:prod").is_ok());
        for bad in ["", "q{c", "q}c", "q c"] {
            assert!(check_key_prefix(bad).is_err(), "{bad:?}");
        }
    }
}
