//! The hall layout: branches, their services and windows, each service's appointment
//! settings and each branch's calendar. Kept in the records database (`records::layout`),
//! seeded or applied from a hall file (`file`) or the demo hall of the embedded default
//! (`demo`). The running service reads it through a [`HallHandle`], which a layout change
//! swaps without a restart.

pub mod demo;
pub mod file;
pub mod signal;
pub mod sync;

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use crate::booking::{Calendar, SlotTemplate};
use crate::domain::{BranchId, CallRule, PriorityClass, ServiceId, WindowNo};

/// Every branch the service runs.
#[derive(Debug, Clone, Default)]
pub struct Hall {
    pub branches: BTreeMap<BranchId, Arc<Branch>>,
}

impl Hall {
    pub fn branch(&self, id: &BranchId) -> Option<&Arc<Branch>> {
        self.branches.get(id)
    }
}

/// The hall the service runs now, shared by the queue, the displays and the appointment
/// service. [`HallHandle::replace`] swaps in a new layout (an admin change, or another
/// replica's change noticed by polling `layout_version`); readers holding the old
/// `Arc<Hall>` finish with it.
#[derive(Debug)]
pub struct HallHandle {
    current: RwLock<Arc<Hall>>,
    /// The `layout_version` the current hall was read at (0 before any was read).
    version: RwLock<i64>,
}

impl HallHandle {
    pub fn new(hall: Hall) -> Self {
        Self::at_version(hall, 0)
    }

    pub fn at_version(hall: Hall, version: i64) -> Self {
        Self {
            current: RwLock::new(Arc::new(hall)),
            version: RwLock::new(version),
        }
    }

    /// The hall now.
    pub fn load(&self) -> Arc<Hall> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The `layout_version` of the hall now.
    pub fn version(&self) -> i64 {
        *self.version.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Swaps in `hall`, read at `version`.
    pub fn replace(&self, hall: Hall, version: i64) {
        let mut now = self.version.write().unwrap_or_else(PoisonError::into_inner);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(hall);
        *now = version;
    }

    /// Swaps in `hall` only when `version` is newer than the current one (a poll that read
    /// an older layout never undoes a newer one an admin change has put in); true when it did.
    pub fn replace_if_newer(&self, hall: Hall, version: i64) -> bool {
        let mut now = self.version.write().unwrap_or_else(PoisonError::into_inner);
        if version <= *now {
            return false;
        }
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(hall);
        *now = version;
        true
    }
}

/// The level of a branch in the district's three-level network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchLevel {
    District,
    Town,
    Village,
}

/// One service centre or station.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub id: BranchId,
    pub name: String,
    pub level: BranchLevel,
    pub parent: Option<BranchId>,
    pub time_zone: chrono_tz::Tz,
    /// Announce calls in English too.
    pub english_announcements: bool,
    /// In the order the hall file lists them.
    pub services: Vec<Service>,
    /// In the order the hall file lists them.
    pub windows: Vec<Window>,
    /// Holidays and make-up working days (调休), per year; appointments follow it.
    pub calendar: Calendar,
}

impl Branch {
    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| &s.id == id)
    }

    pub fn window(&self, number: WindowNo) -> Option<&Window> {
        self.windows.iter().find(|w| w.number == number)
    }

    /// The windows that serve a service, in hall order.
    pub fn windows_serving<'a>(
        &'a self,
        service: &'a ServiceId,
    ) -> impl Iterator<Item = &'a Window> + 'a {
        self.windows
            .iter()
            .filter(move |w| w.services.contains(service))
    }

    /// The instant `at` seen from this branch: its service day and time of day.
    pub fn now(&self, at: chrono::DateTime<chrono::Utc>) -> crate::domain::Now {
        crate::domain::Now::in_zone(at, self.time_zone)
    }
}

/// A service item (queue) of a branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    /// Capital letters before the number: `A` in `A023`. Unique inside the branch.
    pub prefix: String,
    /// Tickets that may be issued per service day.
    pub daily_limit: u32,
    /// The service time assumed before real ones have been measured.
    pub avg_service_seed: Duration,
    /// Send the "turn near" reminder when this many people are ahead.
    pub turn_near: u32,
    /// How often a called ticket may be recalled.
    pub recall_limit: u32,
    /// A requeued ticket comes back this many places from the front.
    pub requeue_offset: u32,
    /// How often a ticket may be requeued.
    pub requeue_limit: u32,
    /// Priority classes from first to last; a class not listed goes after those listed.
    pub priority_order: Vec<PriorityClass>,
    /// Whether and how the service can be booked; `None`: no appointments.
    pub appointments: Option<ServiceAppointments>,
}

/// How a service is booked: its slots and the rules a booking must keep.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAppointments {
    pub template: SlotTemplate,
    pub policy: BookingPolicy,
}

/// The per-service rules of booking, cancelling and checking in. Every booking path (the
/// booking RPCs, a reschedule, a back-office booking) goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingPolicy {
    /// Active (BOOKED, slot not yet over) appointments one person may hold in this service.
    pub max_active_per_person: u32,
    /// Appointments (not cancelled) one person may have in this service on one local date.
    pub max_per_day: u32,
    /// … in one ISO week (Monday to Sunday, local dates).
    pub max_per_week: u32,
    /// This many no-shows within `no_show_window_days` …
    pub no_show_limit: u32,
    pub no_show_window_days: u32,
    /// … suspend booking in this service for this many days after the last of them.
    /// `no_show_limit` 0 turns the policy off.
    pub suspension_days: u32,
    /// A booking can be cancelled (or moved away by a reschedule) up to this many minutes
    /// before its slot starts.
    pub cancel_before_minutes: u32,
    /// Check-in opens this many minutes before the slot starts …
    pub check_in_before_minutes: u32,
    /// … and gives an appointment-priority ticket until this many minutes after; later, until
    /// the slot ends, an ordinary ticket (said so); after the slot ends the appointment is a
    /// no-show.
    pub check_in_after_minutes: u32,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        Self {
            max_active_per_person: 1,
            max_per_day: 1,
            max_per_week: 3,
            no_show_limit: 2,
            no_show_window_days: 30,
            suspension_days: 90,
            cancel_before_minutes: 60,
            check_in_before_minutes: 30,
            check_in_after_minutes: 15,
        }
    }
}

impl BookingPolicy {
    /// Checks the limits that must be at least 1 (a policy of 0 active bookings would make
    /// the service unbookable; say so by giving it no appointments instead). `no_show_limit`
    /// 0 turns the no-show policy off; its window and suspension must still be at least 1.
    pub fn check(&self) -> Result<(), crate::error::QueueError> {
        let at_least_one = [
            ("max_active_per_person", self.max_active_per_person),
            ("max_per_day", self.max_per_day),
            ("max_per_week", self.max_per_week),
            ("no_show_window_days", self.no_show_window_days),
            ("suspension_days", self.suspension_days),
        ];
        for (field, value) in at_least_one {
            if value == 0 {
                return Err(crate::error::QueueError::invalid(
                    field,
                    "must be at least 1",
                ));
            }
        }
        if self.max_per_day > self.max_per_week {
            return Err(crate::error::QueueError::invalid(
                "max_per_day",
                format!(
                    "{} is more than max_per_week {}",
                    self.max_per_day, self.max_per_week
                ),
            ));
        }
        Ok(())
    }
}

/// Checks a display name (of a branch, service or window): not blank, at most 100
/// characters; returns it trimmed.
pub fn check_name(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("name must not be empty".to_owned());
    }
    if text.chars().count() > 100 {
        return Err("name is longer than 100 characters".to_owned());
    }
    Ok(text.to_owned())
}

/// Checks a ticket prefix: 1 to 4 capital letters A-Z.
pub fn check_prefix(text: &str) -> Result<String, String> {
    let valid = (1..=4).contains(&text.len()) && text.chars().all(|c| c.is_ascii_uppercase());
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "ticket prefix '{text}' must be 1 to 4 capital letters A-Z"
        ))
    }
}

impl Service {
    /// 0 for the class called first.
    pub fn rank(&self, class: PriorityClass) -> u32 {
        let listed = self.priority_order.iter().position(|c| *c == class);
        u32::try_from(listed.unwrap_or(self.priority_order.len())).unwrap_or(u32::MAX)
    }

    /// The rank of normal tickets; every rank below it is a priority rank.
    pub fn normal_rank(&self) -> u32 {
        self.rank(PriorityClass::Normal)
    }
}

/// A counter and the services it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub number: WindowNo,
    pub name: String,
    /// In the window's order (used by [`CallRule::StrictOrder`]).
    pub services: Vec<ServiceId>,
    pub rule: CallRule,
}

#[cfg(test)]
mod tests {
    use super::{Hall, HallHandle};

    #[test]
    fn a_handle_never_goes_back_to_an_older_layout() {
        let handle = HallHandle::at_version(Hall::default(), 3);
        assert!(!handle.replace_if_newer(crate::hall::demo::hall(), 3));
        assert!(!handle.replace_if_newer(crate::hall::demo::hall(), 2));
        assert!(handle.load().branches.is_empty());
        assert!(handle.replace_if_newer(crate::hall::demo::hall(), 4));
        assert_eq!((handle.version(), handle.load().branches.len()), (4, 2));
    }
}
