//! The hall layout: branches, their services and windows. Read from a hall file (`file`),
//! or the demo hall of the embedded default (`demo`).

pub mod demo;
pub mod file;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

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
