//! Call-next: which waiting ticket a window takes, by its rule. Each pick looks at the head
//! of each of the window's queues (O(services × log n)); nothing scans a queue.

use chrono::NaiveDate;

use crate::domain::{CallRule, TicketId};
use crate::hall::{Branch, Window};
use crate::store::RANK_SPAN;

use super::state::{BranchState, WaitKey};

/// The ticket a window calls next, and the window's ratio-cycle position after the call.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub ticket: TicketId,
    pub ratio_pos: u32,
}

/// Which part of a service's queue a ratio cycle wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Priority,
    Normal,
}

/// The next ticket of `day` for `window` (whose cycle stands at `ratio_pos`), or `None` when
/// nothing of its services waits.
pub fn pick(
    state: &BranchState,
    branch: &Branch,
    window: &Window,
    ratio_pos: u32,
    day: NaiveDate,
) -> Option<Pick> {
    let keep = |ticket: TicketId| Pick { ticket, ratio_pos };
    match window.rule {
        CallRule::StrictOrder => window
            .services
            .iter()
            .find_map(|service| state.queue(day, service)?.first_key_value())
            .map(|(_, id)| keep(id.clone())),
        CallRule::OldestFirst => oldest(state, branch, window, day, None).map(keep),
        CallRule::Ratio { priority, normal } => {
            let cycle = priority.saturating_add(normal);
            if cycle == 0 {
                return oldest(state, branch, window, day, None).map(keep);
            }
            let pos = ratio_pos % cycle;
            let (wanted, other) = if pos < priority {
                (Kind::Priority, Kind::Normal)
            } else {
                (Kind::Normal, Kind::Priority)
            };
            oldest(state, branch, window, day, Some(wanted))
                .or_else(|| oldest(state, branch, window, day, Some(other)))
                .map(|ticket| Pick {
                    ticket,
                    ratio_pos: (pos + 1) % cycle,
                })
        }
    }
}

/// The lowest key across the window's services, of one kind or of any.
fn oldest(
    state: &BranchState,
    branch: &Branch,
    window: &Window,
    day: NaiveDate,
    kind: Option<Kind>,
) -> Option<TicketId> {
    let mut best: Option<(&WaitKey, &TicketId)> = None;
    for service_id in &window.services {
        let Some(queue) = state.queue(day, service_id) else {
            continue;
        };
        let head = match kind {
            None => queue.first_key_value(),
            Some(kind) => {
                let Some(service) = branch.service(service_id) else {
                    continue;
                };
                let normal_from = f64::from(service.normal_rank()) * RANK_SPAN;
                match kind {
                    Kind::Priority => queue
                        .first_key_value()
                        .filter(|(k, _)| k.key.0 < normal_from),
                    Kind::Normal => queue.range(WaitKey::at_least(normal_from)..).next(),
                }
            }
        };
        if let Some(head) = head
            && best.is_none_or(|(key, _)| head.0 < key)
        {
            best = Some(head);
        }
    }
    best.map(|(_, id)| id.clone())
}
