//! The arguments of the appointment, statistics and rating commands.

use chrono::NaiveDate;
use clap::{ArgGroup, Args, ValueEnum};
use queuecall_client::{Booking, CheckInBy, RatingArgs, pb};

/// `YYYY-MM-DD`, a local date of the branch.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date (YYYY-MM-DD)"))
}

/// A date as the wire carries it, `YYYY-MM-DD`.
pub fn wire_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub const SLOTS_HELP: &str = "\
Output: the slots grouped by date, a `2026-11-30 周一` line before each date's slots:
    2026-11-30 周一
      09:00–09:30  剩余 5/5  district-centre.social-security.20261130.0900
      09:30–10:00  剩余 0/5  district-centre.social-security.20261130.0930  (约满)
(约满: full; 不可预约: not open for booking, or past the same-day cutoff; both listed only
with --all). Nothing to list: `no bookable slots of <service> from <from> to <to>`.
Book a slot with `queuecallctl book <slot id> …`.";

/// `slots <service> [--from D] [--to D] [--all]`.
#[derive(Debug, Args, PartialEq, Eq)]
#[command(after_long_help = SLOTS_HELP)]
pub struct SlotsArgs {
    /// The service id, for example `social-security`.
    pub service: String,
    /// First date (YYYY-MM-DD); defaults to the branch's service day (today there).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD), inclusive; defaults to six days after --from (a week).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Also full slots and slots that cannot be booked now (a clerk's view).
    #[arg(long)]
    pub all: bool,
}

pub const BOOK_HELP: &str = "\
Output: the appointment (see `queuecallctl appointment --help`), then
    idempotency key: <key>
    replayed: yes                 (only when the key had already booked it)
Without --key a key is generated and printed: run the same command again with
`--key <key>` after a time-out or a lost answer, and the service returns the same
appointment instead of booking twice. The name, mobile and ID number are sent to the
service and only ever printed masked.";

/// `book <slot-id> --name … --phone … --id-number … [--credit-code …] [--key …]`.
#[derive(Debug, Args, PartialEq, Eq)]
#[command(after_long_help = BOOK_HELP)]
pub struct BookArgs {
    /// `<branch>.<service>.<yyyymmdd>.<HHMM>`, as `queuecallctl slots` lists it.
    pub slot_id: String,
    /// The citizen's name as on the ID card.
    #[arg(long)]
    pub name: String,
    /// Mainland mobile number (`13812341234`).
    #[arg(long)]
    pub phone: String,
    /// Resident ID number (18 characters).
    #[arg(long)]
    pub id_number: String,
    /// Unified social credit code, when booking for a company.
    #[arg(long)]
    pub credit_code: Option<String>,
    /// Idempotency key (1 to 128 visible ASCII characters); generated when absent.
    #[arg(long)]
    pub key: Option<String>,
}

impl BookArgs {
    /// The BookAppointment arguments, with `new_key()` as the key when none was given.
    pub fn into_booking(self, new_key: impl FnOnce() -> String) -> Booking {
        Booking {
            slot_id: self.slot_id,
            name: self.name,
            phone: self.phone,
            id_number: self.id_number,
            credit_code: self.credit_code,
            idempotency_key: self.key.unwrap_or_else(new_key),
        }
    }
}

/// A fresh idempotency key: `qc-` and 24 random hex digits.
pub fn new_idempotency_key() -> String {
    let bits: u128 = rand::random();
    format!("qc-{:024x}", bits >> 32)
}

/// `appointments --id-number … [--at <branch>]`.
#[derive(Debug, Args, PartialEq, Eq)]
pub struct AppointmentsArgs {
    /// The person's resident ID number.
    #[arg(long)]
    pub id_number: String,
    /// Only the appointments at this branch (default: every branch).
    #[arg(long, value_name = "BRANCH")]
    pub at: Option<String>,
}

pub const CHECK_IN_HELP: &str = "\
Output: the kiosk's message (「预约签到成功，请等候叫号」, or why the ticket is an ordinary
one), then the ticket as `queuecallctl ticket` prints it, with
    appointment: <appointment id>
    late: yes                     (came after the check-in window: an ordinary ticket)
    replayed: yes                 (already checked in: the same ticket again)";

/// `check-in (--code C | --id-number N)`.
#[derive(Debug, Args, PartialEq, Eq)]
#[command(group(ArgGroup::new("by").required(true).args(["code", "id_number"])))]
#[command(after_long_help = CHECK_IN_HELP)]
pub struct CheckInArgs {
    /// The six-digit check-in code of today's booking.
    #[arg(long)]
    pub code: Option<String>,
    /// The resident ID number (today's booking at --branch).
    #[arg(long)]
    pub id_number: Option<String>,
}

impl CheckInArgs {
    pub fn by(self) -> CheckInBy {
        match (self.code, self.id_number) {
            (Some(code), _) => CheckInBy::Code(code),
            (None, Some(id)) => CheckInBy::IdNumber(id),
            // clap's group requires exactly one of them.
            (None, None) => CheckInBy::Code(String::new()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Service,
    Window,
    Hour,
}

impl From<GroupBy> for pb::StatisticsGroup {
    fn from(group: GroupBy) -> Self {
        match group {
            GroupBy::Service => Self::Service,
            GroupBy::Window => Self::Window,
            GroupBy::Hour => Self::Hour,
        }
    }
}

pub const STATS_HELP: &str = "\
Output: `statistics of <branch>, <range>, by <group>`, then one table with a row per
service, window (that called the ticket) or hour of issue (`09:00`), and a `total` row:
    TICKETS DONE NO-SHOW CANCELLED EXPIRED TRANSFERRED   counts of finished tickets
    AVG WAIT P90 WAIT                                    issue (or transfer) to first call
    AVG SERVICE P90 SERVICE                              start to end of service (- if none)
    NO-SHOW RATE                                         no-shows / (done + no-shows)
    APPOINTMENTS                                         share with appointment priority
    RATINGS SCORE                                        ratings and average overall (- if none)
Durations read `45s`, `4m05s`, `1h02m`. With ratings in the range, a last line gives the
average of each aspect: `ratings: 2, overall 4.50, attitude 4.00, quality -, …`.";

/// `stats [--from D] [--to D] [--by service|window|hour]`.
#[derive(Debug, Args, PartialEq, Eq)]
#[command(after_long_help = STATS_HELP)]
pub struct StatsArgs {
    /// First service day (YYYY-MM-DD); defaults to the branch's service day (today there).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last service day, inclusive; defaults to --from.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// One row per service, window or hour of issue.
    #[arg(long, value_enum, default_value = "service")]
    pub by: GroupBy,
}

/// A score of 1 (very poor) to 5 (very good).
fn score() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=5)
}

/// `rate <ticket> <overall> [--attitude N] [--quality N] [--efficiency N] [--integrity N]
/// [--comment T]`.
#[derive(Debug, Args, PartialEq, Eq)]
#[command(
    after_long_help = "Output: `rating of <ticket id>: overall 5/5`, then `  attitude: 4/5` \
                       and so on for each aspect rated, and `  comment: …`."
)]
pub struct RateArgs {
    /// A served ticket: `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
    pub ticket_id: String,
    /// Overall score, 1 (very poor) to 5 (very good).
    #[arg(value_parser = score())]
    pub overall: u32,
    /// 服务态度, 1 to 5.
    #[arg(long, value_parser = score())]
    pub attitude: Option<u32>,
    /// 服务质量, 1 to 5.
    #[arg(long, value_parser = score())]
    pub quality: Option<u32>,
    /// 办事效率, 1 to 5.
    #[arg(long, value_parser = score())]
    pub efficiency: Option<u32>,
    /// 廉洁自律, 1 to 5.
    #[arg(long, value_parser = score())]
    pub integrity: Option<u32>,
    /// Up to 500 characters.
    #[arg(long)]
    pub comment: Option<String>,
}

impl RateArgs {
    /// The RateService arguments; `ticket_id` already resolved against the branch.
    pub fn into_rating(self, ticket_id: String) -> RatingArgs {
        RatingArgs {
            ticket_id,
            overall: self.overall,
            attitude: self.attitude,
            quality: self.quality,
            efficiency: self.efficiency,
            integrity: self.integrity,
            comment: self.comment,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "booking_args_tests.rs"]
mod tests;
