//! Unit tests of the embedded store: the pure transitions on a state in memory (no SQLite),
//! and the store reopened from its file.

mod event_log;
mod events;
mod history;
mod illegal;
mod reopen;
mod routing;
mod transitions;
mod upgrade;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::domain::{
    BranchId, CallRule, Channel, EventKind, NewTicket, Now, PriorityClass, ServiceId, Ticket,
    TicketId, TicketState, WindowCommand, WindowNo,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, BranchLevel, Service, Window};

use super::change::Plan;
use super::state::BranchState;
use super::{steps, tickets, windows};

pub fn sid(id: &str) -> ServiceId {
    ServiceId::parse("service", id).expect("service id")
}

pub fn win(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window number")
}

fn service(id: &str, prefix: &str, daily_limit: u32) -> Service {
    Service {
        id: sid(id),
        name: format!("service {id}"),
        prefix: prefix.to_owned(),
        daily_limit,
        avg_service_seed: Duration::from_secs(300),
        turn_near: 3,
        recall_limit: 2,
        requeue_offset: 3,
        requeue_limit: 2,
        appointments: None,
        priority_order: vec![
            PriorityClass::GreenChannel,
            PriorityClass::Appointment,
            PriorityClass::Normal,
        ],
    }
}

fn window(n: u32, services: &[&str], rule: CallRule) -> Window {
    Window {
        number: win(n),
        name: format!("window {n}"),
        services: services.iter().map(|s| sid(s)).collect(),
        rule,
    }
}

/// Services `a` (A), `b` (B) and `c` (C, two tickets a day); windows 1 strict [a, b],
/// 2 oldest-first [a, b], 3 ratio 1:2 [a], 4 oldest-first [b].
pub fn branch() -> Branch {
    Branch {
        id: BranchId::parse("branch", "test-branch").expect("branch id"),
        name: "test".to_owned(),
        level: BranchLevel::Village,
        parent: None,
        time_zone: chrono_tz::Asia::Shanghai,
        english_announcements: false,
        services: vec![
            service("a", "A", 100),
            service("b", "B", 100),
            service("c", "C", 2),
        ],
        calendar: Default::default(),
        windows: vec![
            window(1, &["a", "b"], CallRule::StrictOrder),
            window(2, &["a", "b"], CallRule::OldestFirst),
            window(
                3,
                &["a"],
                CallRule::Ratio {
                    priority: 1,
                    normal: 2,
                },
            ),
            window(4, &["b"], CallRule::OldestFirst),
        ],
    }
}

/// Midnight of 2026-11-27 in Shanghai.
pub fn midnight() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 16, 0, 0)
        .single()
        .expect("time")
}

/// `secs` seconds into 2026-11-27 (negative: the day before).
pub fn at(secs: i64) -> Now {
    Now::in_zone(
        midnight() + chrono::Duration::seconds(secs),
        chrono_tz::Asia::Shanghai,
    )
}

pub fn new_ticket(service: &str, priority: PriorityClass, key: Option<&str>) -> NewTicket {
    NewTicket {
        service: sid(service),
        priority,
        channel: Channel::Kiosk,
        phone: None,
        idempotency_key: key.map(str::to_owned),
    }
}

/// A branch's state and the transitions run on it, each change applied as the store would
/// after its commit.
pub struct Fixture {
    pub branch: Branch,
    pub state: BranchState,
    /// The events of the last transition run (none when it failed).
    pub emitted: Vec<EventKind>,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            branch: branch(),
            state: BranchState::default(),
            emitted: Vec::new(),
        }
    }

    /// Applies a planned change; the answer of the transition.
    pub fn run<T>(&mut self, plan: QueueResult<Plan<T>>) -> QueueResult<T> {
        self.emitted.clear();
        let Plan { change, result } = plan?;
        self.emitted.clone_from(&change.events);
        self.state.apply(change);
        Ok(result)
    }

    pub fn take(&mut self, service: &str, priority: PriorityClass, now: &Now) -> TicketId {
        let plan = tickets::take(
            &self.state,
            &self.branch,
            &new_ticket(service, priority, None),
            now,
        );
        self.run(plan).expect("take").id
    }

    pub fn open(&mut self, n: u32) {
        let plan = windows::set_window(&self.state, &self.branch, win(n), &WindowCommand::Open);
        self.run(plan).expect("open");
    }

    pub fn call_next(&mut self, n: u32, now: &Now) -> Option<TicketId> {
        let plan = windows::call_next(&self.state, &self.branch, win(n), now);
        self.run(plan).expect("call next")
    }

    /// Calls the next ticket and frees the window again (start + complete).
    pub fn serve_next(&mut self, n: u32, now: &Now) -> Option<TicketId> {
        let id = self.call_next(n, now)?;
        let plan = steps::start(&self.state, &self.branch, win(n), now);
        self.run(plan).expect("start");
        let plan = steps::complete(&self.state, &self.branch, win(n), now);
        self.run(plan).expect("complete");
        Some(id)
    }

    pub fn ticket(&self, id: &TicketId) -> &Ticket {
        &self.state.ticket(id).expect("ticket").ticket
    }

    pub fn ahead(&self, id: &TicketId) -> u32 {
        self.state
            .view(&self.branch, id)
            .expect("view")
            .people_ahead
    }

    /// The numbers waiting in a service today, in calling order.
    pub fn waiting(&self, service: &str, now: &Now) -> Vec<String> {
        self.state
            .waiting_tickets(now.day, &sid(service))
            .iter()
            .map(|t| t.id.number.to_string())
            .collect()
    }
}

pub fn number(id: &TicketId) -> String {
    id.number.to_string()
}

/// The error is FAILED_PRECONDITION and its message holds every one of `words`.
pub fn assert_precondition<T: std::fmt::Debug>(result: QueueResult<T>, words: &[&str]) {
    match result {
        Err(QueueError::FailedPrecondition(message)) => {
            for word in words {
                assert!(message.contains(word), "'{message}' lacks '{word}'");
            }
        }
        other => panic!("expected FAILED_PRECONDITION with {words:?}, got {other:?}"),
    }
}

pub fn assert_state(fx: &Fixture, id: &TicketId, state: TicketState) {
    assert_eq!(fx.ticket(id).state, state, "state of {}", number(id));
}
