//! The words of DESIGN.md as types. Wire messages become these once, at the gRPC adapter;
//! deeper code never re-checks a phone number or a ticket id.

mod dates;
mod event;
pub mod identity;
mod ids;
mod phone;
mod ticket;
mod window;

pub use dates::{DateRange, parse_date};
pub use event::{Event, EventKind};
pub use ids::{BranchId, ServiceId, TicketId, TicketNumber, TicketRef, WindowNo};
pub use phone::Phone;
pub use ticket::{Channel, NewTicket, PriorityClass, Ticket, TicketState, TicketView};
pub use window::{CallRule, WindowCommand, WindowState, WindowStatus};

/// The instant of an operation and the service day it falls on in the branch's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub at: chrono::DateTime<chrono::Utc>,
    /// The calendar date in the branch's time zone.
    pub day: chrono::NaiveDate,
    /// Milliseconds since local midnight of `day`; orders tickets inside a day.
    pub ms_of_day: u32,
}

impl Now {
    /// `at` seen from the time zone `tz`.
    pub fn in_zone(at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> Self {
        use chrono::Timelike;
        let local = at.with_timezone(&tz);
        let time = local.time();
        Self {
            at,
            day: local.date_naive(),
            ms_of_day: time.num_seconds_from_midnight() * 1000
                + time.nanosecond() / 1_000_000 % 1000,
        }
    }
}
