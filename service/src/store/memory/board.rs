//! The board and its event log, read for the hall displays: a snapshot consistent with the
//! last event id (both read under the store's lock), the events after an id, and a wait for
//! the next ones that holds no lock while it waits.

use std::time::Duration;

use crate::domain::{BranchId, Event, Now};
use crate::hall::Branch;
use crate::store::BoardSnapshot;

use super::{MemoryStore, branch_state};

impl MemoryStore {
    /// The board as of its last event, with at most `recent_calls` of the latest calls.
    pub(super) async fn board(
        &self,
        branch: &Branch,
        now: &Now,
        recent_calls: usize,
    ) -> BoardSnapshot {
        self.read(&branch.id, |s| BoardSnapshot {
            last_event_id: s.events.last_id(),
            windows: branch
                .windows
                .iter()
                .map(|w| s.window_status(w.number))
                .collect(),
            services: s.service_statuses(branch, now),
            recent_calls: s.events.recent_calls(recent_calls),
        })
        .await
    }

    pub(super) async fn last_event(&self, branch: &BranchId) -> u64 {
        self.read(branch, |s| s.events.last_id()).await
    }

    pub(super) async fn events_since(
        &self,
        branch: &BranchId,
        after: u64,
        max: usize,
    ) -> Option<Vec<Event>> {
        self.read(branch, |s| s.events.after(after, max)).await
    }

    /// The events after `after`; when there is none yet, waits up to `wait` for the next step
    /// of the branch to publish some. `Some(vec![])` when the wait ends with nothing new.
    pub(super) async fn wait_for_events(
        &self,
        branch: &BranchId,
        after: u64,
        max: usize,
        wait: Duration,
    ) -> Option<Vec<Event>> {
        let mut next = {
            let all = self.committed.lock().await;
            let log = &branch_state(&all, branch).events;
            match log.after(after, max) {
                Some(events) if events.is_empty() && max > 0 => {
                    self.signals.subscribe(branch, log.last_id())
                }
                answer => return answer,
            }
        };
        // The borrow of the channel's value ends inside `is_ok_and`, before the store's lock
        // is taken again (a step publishes while it holds that lock).
        let woke = tokio::time::timeout(wait, next.wait_for(|last| *last > after))
            .await
            .is_ok_and(|changed| changed.is_ok());
        if woke {
            self.events_since(branch, after, max).await
        } else {
            Some(Vec::new())
        }
    }
}
