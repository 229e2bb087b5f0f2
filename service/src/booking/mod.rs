//! Appointments' pure calendar and slot logic, with no database: slot templates per service,
//! the branch's calendar of holidays and make-up working days (调休), the slots a template
//! yields over a date range in the branch's time zone, and the stable id of a slot.
//!
//! The records layer stores what is computed here (UTC instants plus the local date); the
//! booking RPCs name slots by [`SlotId`].

pub mod calendar;
pub mod slots;
pub mod template;

pub use calendar::{Calendar, CalendarYear};
pub use slots::{MAX_RANGE_DAYS, SlotId, SlotInstance, slots_for};
pub use template::{SlotTemplate, TemplateSpec, TimeRange};

#[cfg(test)]
mod tests;
