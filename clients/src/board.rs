//! [`Board`]: a branch's hall board kept up to date from [`follow_branch`] items, as a
//! terminal display shows it (rendered by [`crate::format::board`]).
//!
//! [`follow_branch`]: crate::follow_branch

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::pb;
use crate::pb::branch_event::Kind;
use crate::{BoardItem, ClientError, FollowItem};

/// Calls kept for the "recent calls" list.
pub const RECENT_CALLS: usize = 8;

/// The connection as the status line shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    Connecting,
    Connected,
    Reconnecting {
        error: ClientError,
        retry_in: Duration,
    },
}

/// The board of one branch.
#[derive(Debug, Clone)]
pub struct Board {
    /// The branch id being watched (known before the first snapshot).
    pub branch_id: String,
    /// Layout, windows and queues as of the last snapshot, with every event since applied.
    pub branch: Option<pb::Branch>,
    /// The latest calls, oldest first, at most [`RECENT_CALLS`].
    pub recent_calls: VecDeque<pb::TicketCalled>,
    /// The id of the last snapshot or event applied.
    pub last_event_id: Option<u64>,
    pub link: Link,
    /// Estimated seconds per waiting ticket of each service, from the last snapshot; a queue
    /// change scales the estimate with it until the next snapshot.
    seconds_per_ticket: HashMap<String, f64>,
}

impl Board {
    pub fn new(branch_id: impl Into<String>) -> Self {
        Self {
            branch_id: branch_id.into(),
            branch: None,
            recent_calls: VecDeque::new(),
            last_event_id: None,
            link: Link::Connecting,
            seconds_per_ticket: HashMap::new(),
        }
    }

    /// The call shown large: the latest one.
    pub fn latest_call(&self) -> Option<&pb::TicketCalled> {
        self.recent_calls.back()
    }

    /// Applies one item of [`follow_branch`](crate::follow_branch).
    pub fn apply(&mut self, item: &FollowItem) {
        match item {
            FollowItem::Connected { .. } => self.link = Link::Connected,
            FollowItem::Reconnecting { error, retry_in } => {
                self.link = Link::Reconnecting {
                    error: error.clone(),
                    retry_in: *retry_in,
                }
            }
            FollowItem::Board(item) => self.apply_board(item),
        }
    }

    /// Applies a snapshot or an event.
    pub fn apply_board(&mut self, item: &BoardItem) {
        self.last_event_id = Some(item.event_id());
        match item {
            BoardItem::Snapshot(snapshot) => self.replace(snapshot),
            BoardItem::Event(event) => match &event.kind {
                Some(Kind::Called(call)) => self.called(call),
                Some(Kind::WindowChanged(changed)) => {
                    if let Some(window) = &changed.window {
                        self.window_changed(window);
                    }
                }
                Some(Kind::QueueChanged(queue)) => self.queue_changed(queue),
                None => {}
            },
        }
    }

    fn replace(&mut self, snapshot: &pb::BranchSnapshot) {
        self.branch = snapshot.branch.clone();
        let skip = snapshot.recent_calls.len().saturating_sub(RECENT_CALLS);
        self.recent_calls = snapshot.recent_calls.iter().skip(skip).cloned().collect();
        self.seconds_per_ticket.clear();
        if let Some(branch) = &self.branch {
            for service in branch.services.iter().filter(|s| s.waiting > 0) {
                let rate = f64::from(service.estimated_wait_seconds) / f64::from(service.waiting);
                self.seconds_per_ticket.insert(service.id.clone(), rate);
            }
        }
    }

    fn called(&mut self, call: &pb::TicketCalled) {
        self.recent_calls.push_back(call.clone());
        while self.recent_calls.len() > RECENT_CALLS {
            self.recent_calls.pop_front();
        }
        // The window's own event follows; until then the window shows the called number.
        if let Some(window) = self.window_mut(call.window) {
            window.current_ticket = Some(pb::Ticket {
                id: call.ticket_id.clone(),
                number: call.number.clone(),
                service_id: call.service_id.clone(),
                state: pb::TicketState::Called.into(),
                window: call.window,
                recall_count: call.recall_count,
                ..pb::Ticket::default()
            });
        }
    }

    fn window_changed(&mut self, changed: &pb::Window) {
        let Some(branch) = self.branch.as_mut() else {
            return;
        };
        match branch
            .windows
            .iter_mut()
            .find(|w| w.number == changed.number)
        {
            Some(window) => *window = changed.clone(),
            None => {
                branch.windows.push(changed.clone());
                branch.windows.sort_by_key(|w| w.number);
            }
        }
    }

    fn queue_changed(&mut self, queue: &pb::QueueChanged) {
        let rate = self.seconds_per_ticket.get(&queue.service_id).copied();
        let Some(service) = self
            .branch
            .as_mut()
            .and_then(|b| b.services.iter_mut().find(|s| s.id == queue.service_id))
        else {
            return;
        };
        service.waiting = queue.waiting;
        if queue.waiting == 0 {
            service.estimated_wait_seconds = 0;
        } else if let Some(rate) = rate {
            // Saturating float-to-int cast: a huge estimate shows as u32::MAX seconds.
            service.estimated_wait_seconds = (rate * f64::from(queue.waiting)).round() as u32;
        }
    }

    fn window_mut(&mut self, number: u32) -> Option<&mut pb::Window> {
        self.branch
            .as_mut()
            .and_then(|b| b.windows.iter_mut().find(|w| w.number == number))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "board_tests.rs"]
pub(crate) mod tests;
