//! Wakes the readers waiting for a branch's next event: one `watch` channel per branch that
//! someone has waited on, carrying the branch's last event id.
//!
//! Both sides run under the store's lock (a reader subscribes while it sees no new event; a
//! step publishes after it applies), so a reader cannot miss the event that follows its look.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;

use crate::domain::BranchId;

#[derive(Debug, Default)]
pub struct Signals {
    branches: Mutex<HashMap<BranchId, watch::Sender<u64>>>,
}

impl Signals {
    /// Tells the branch's readers that its last event id is now `last_id`.
    pub fn publish(&self, branch: &BranchId, last_id: u64) {
        let branches = self.branches.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = branches.get(branch) {
            sender.send_replace(last_id);
        }
    }

    /// A receiver of the branch's last event id, which is `last_id` now.
    pub fn subscribe(&self, branch: &BranchId, last_id: u64) -> watch::Receiver<u64> {
        let mut branches = self.branches.lock().unwrap_or_else(PoisonError::into_inner);
        let sender = branches
            .entry(branch.clone())
            .or_insert_with(|| watch::channel(last_id).0);
        sender.send_if_modified(|value| {
            let stale = *value != last_id;
            *value = last_id;
            stale
        });
        sender.subscribe()
    }
}
