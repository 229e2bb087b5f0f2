//! The command line of `queuecallctl` (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use queuecall_client::{TakeTicket, pb};

pub use super::admin_args::{ADMIN_HELP, AdminAction};
pub use super::booking_args::{
    AppointmentsArgs, BookArgs, CheckInArgs, RateArgs, SlotsArgs, StatsArgs,
};

/// What `display` and `watch` print; part of both `--help` and `display --help`.
macro_rules! display_help {
    () => {
        "\
display <branch> keeps running (across service restarts: it reconnects with backoff up to
  2 s and resumes after the last event id it saw) until Ctrl-C or SIGTERM, exit status 0.
  On a terminal it redraws the whole board on every change: the latest call large
  (「请A023号到5号窗口办理」), the last 8 calls, each window's state and ticket, each
  service's waiting count and estimated wait, and a status line (`connected · last event
  12`, `reconnecting in 0.4 s · ...`). When stdout is not a terminal (a pipe, a test) it
  prints one line per item instead, flushed at once:
      connected                                 the stream is (re)established
      snapshot <last event id> <reason>         reason initial|resume_too_old|fell_behind
      event <id> called <number> window <n> (recall <count>)
      event <id> window <n> <open|paused|closed>[: <pause reason>][, <number> <called|serving>]
      event <id> queue <service> waiting <count>
      reconnecting                              the stream broke; the cause goes to stderr
  e.g. `snapshot 11 initial`, `event 12 called A023 window 5 (recall 0)`,
  `event 13 window 5 open, A023 called`, `event 14 queue social-security waiting 3`.
watch <ticket> prints one line per change of the ticket until it reaches a final state,
  then exits 0: `A023 waiting for social-security, 2 ahead, about 10 min`,
  `A023 called to window 5`, `A023 being served at window 5`, `A023 done at window 5`."
    };
}

const OUTPUT_HELP: &str = concat!(
    "\
Ticket ids: the full id `<branch>.<yyyymmdd>.<number>`, the short form `<branch>.<number>`
(that number today), or just the number (`A023`), which means `<--branch>.A023`.

Output (stdout, stable; scripts may rely on it):
  A ticket (take, ticket, cancel, and window next|recall|start|done|no-show|requeue|
  transfer|call) is a headline, then indented `key: value` lines:
      A023 called to window 5
        id: district-centre.20261127.A023
        state: called
        service: social-security
        day: 2026-11-27
        priority: normal
        channel: kiosk
        window: 5
  Headlines: `A023 waiting for <service>`, `A023 called to window 5`,
  `A023 called to window 5 (recall 2)`, `A023 being served at window 5`,
  `A023 done at window 5`, `A023 no-show at window 5`, `A023 cancelled`, `A023 expired`.
  Keys in this order, each only when it applies: id, state, service, day, priority
  (normal|appointment|green-channel), channel (kiosk|mobile|window|api), people ahead,
  estimated wait (`<n> min`, waiting tickets only), window, recalls, requeues,
  transferred from, phone (always masked, 138****1234), replayed (`yes`, take only).
  window <n> next with nothing waiting prints `nothing waiting for window <n>`.
  window <n> open|pause|close print the window:
      window 5 (综合窗口) open
      window 5 (综合窗口) paused: lunch
      window 5 (综合窗口) open, A023 serving
  queue prints the branch header, a services table (SERVICE PREFIX WAITING EST. WAIT
  ISSUED NAME, each row followed by `  waiting: <numbers in calling order>` or
  `  waiting: -`) and a windows table (WINDOW STATE CURRENT SERVICES NAME).
  Appointments, statistics, ratings and the layout: see `queuecallctl <command> --help`
  (slots, book, appointment, check-in, stats, rate, admin).

",
    display_help!(),
    "
Errors go to stderr as `error: <code>: <message>`, code one of invalid_argument,
not_found, failed_precondition, already_exists, resource_exhausted, unavailable, connect,
unauthenticated (no --token or an unknown one), permission_denied (the token's role or
branch/window does not reach the command), deadline_exceeded, internal, ...

Exit status: 0 success (also `nothing waiting`); 2 invalid_argument, not_found,
failed_precondition or a malformed command line; 3 unavailable, connect or
deadline_exceeded (the service cannot be reached); 1 any other error."
);

/// Queue-calling from the terminal: take tickets, run a window, watch a branch's queue, show
/// the live hall board, book and check in appointments, read statistics, change the layout.
#[derive(Debug, Parser)]
#[command(name = "queuecallctl", version, after_long_help = OUTPUT_HELP)]
pub struct Cli {
    /// The queuecall gRPC endpoint (`http://host:port` or `host:port`).
    #[arg(
        long,
        global = true,
        env = "QUEUECALL_SERVER",
        default_value = "http://127.0.0.1:50051"
    )]
    pub server: String,
    /// The access token, sent as `authorization: Bearer <token>` (prefer the environment
    /// variable: a command line is visible to other users of the machine).
    #[arg(long, global = true, env = "QUEUECALL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// For an `https://` server: the CA certificate (PEM) that signed its certificate.
    #[arg(long, global = true, env = "QUEUECALL_CA_CERT", value_name = "PEM")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// The branch (service centre) to work in.
    #[arg(
        long,
        global = true,
        env = "QUEUECALL_BRANCH",
        default_value = "district-centre"
    )]
    pub branch: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Take a number for a service; prints the ticket with people ahead and estimated wait.
    Take(TakeArgs),
    /// Show one ticket as it is now.
    Ticket {
        /// `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
        ticket_id: String,
    },
    /// Cancel a waiting ticket.
    Cancel {
        /// `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
        ticket_id: String,
    },
    /// Run a window: call, serve, pause, open, close.
    Window {
        /// The window number (5 for 5号窗口).
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        number: u32,
        #[command(subcommand)]
        action: WindowAction,
    },
    /// Show the branch: each service's queue and each window's state.
    Queue {
        /// Only this service (and the windows serving it).
        service: Option<String>,
    },
    /// The live hall board of a branch, until Ctrl-C; keeps running across service restarts.
    #[command(after_long_help = display_help!())]
    Display {
        /// The branch to show; defaults to --branch.
        // Not named `branch`: that id belongs to the global option.
        #[arg(value_name = "BRANCH")]
        shown: Option<String>,
    },
    /// Follow one ticket: a line on every change until it is done, cancelled or expired.
    Watch {
        /// `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
        ticket_id: String,
    },
    /// The slots of a service with their free seats (剩余), a week from today by default.
    Slots(SlotsArgs),
    /// Book a slot for a citizen: prints the appointment with its check-in code.
    Book(BookArgs),
    /// Show one appointment.
    #[command(after_long_help = APPOINTMENT_HELP)]
    Appointment {
        /// The appointment id, as `book` printed it.
        appointment_id: String,
    },
    /// The appointments of one person, newest slot first.
    Appointments(AppointmentsArgs),
    /// Cancel a booked appointment; its seat is freed.
    CancelAppointment {
        /// The appointment id.
        appointment_id: String,
    },
    /// Move a booked appointment to another slot of its service (the new seat is held first).
    Reschedule {
        /// The appointment id.
        appointment_id: String,
        /// `<branch>.<service>.<yyyymmdd>.<HHMM>` of the same service.
        new_slot_id: String,
    },
    /// Check a citizen in at --branch: a ticket with appointment priority (预约优先).
    CheckIn(CheckInArgs),
    /// Statistics of --branch: tickets, waiting and service times, no-shows, ratings.
    Stats(StatsArgs),
    /// Rate a served ticket (好差评), once.
    Rate(RateArgs),
    /// The hall layout in the records database: show, apply a hall file, change services,
    /// windows and the calendar.
    #[command(after_long_help = ADMIN_HELP)]
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

const APPOINTMENT_HELP: &str = "\
Output (appointment, cancel-appointment, reschedule, book): a headline, then indented
`key: value` lines:
    2026-11-30 周一 09:30–10:00 social-security: booked, check-in code 483920
      id: <appointment id>
      state: booked
      branch: district-centre
      service: social-security
      slot: district-centre.social-security.20261130.0930
      check-in code: 483920
      name: 张**
      id number: 110***********1234
      phone: 138****1234
Headlines end in `booked, check-in code <code>`, `checked in as A001`, `cancelled` or
`no-show`; states booked|cancelled|checked-in|no-show. `credit code` and `ticket` follow
when they apply; reschedule adds `  replayed: yes` when it already was in the new slot.
`appointments` prints a table: DATE TIME SERVICE STATE CODE BRANCH ID, or `no appointments`.
Personal data is only ever printed masked.";

#[derive(Debug, Args, PartialEq, Eq)]
pub struct TakeArgs {
    /// The service id, for example `social-security`.
    pub service: String,
    /// Mobile number for reminders (`13812341234`); only ever shown masked.
    #[arg(long)]
    pub phone: Option<String>,
    /// Priority class; the server's default is normal.
    #[arg(long, value_enum)]
    pub priority: Option<Priority>,
    /// Where the ticket is taken; the server's default is api.
    #[arg(long, value_enum)]
    pub channel: Option<Channel>,
    /// A retry with the same key returns the same ticket.
    #[arg(long)]
    pub idempotency_key: Option<String>,
}

impl TakeArgs {
    /// The TakeTicket arguments of this command in `branch`.
    pub fn into_take(self, branch: &str) -> TakeTicket {
        TakeTicket {
            branch: branch.to_owned(),
            service: self.service,
            phone: self.phone,
            priority: self
                .priority
                .map_or(pb::PriorityClass::Unspecified, Into::into),
            channel: self.channel.map_or(pb::Channel::Unspecified, Into::into),
            idempotency_key: self.idempotency_key,
        }
    }
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum WindowAction {
    /// Call the next ticket by the window's rule.
    Next,
    /// Call the window's ticket again (重呼).
    Recall,
    /// The citizen arrived: start serving the called ticket.
    Start,
    /// Finish serving the ticket.
    Done,
    /// The called citizen did not come (过号).
    NoShow,
    /// Put a missed ticket back into its queue, a few places from the front.
    Requeue {
        /// `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
        ticket_id: String,
    },
    /// Move the window's ticket to another service.
    Transfer {
        /// The target service id.
        service: String,
        /// First in the target queue instead of by its original issue time.
        #[arg(long)]
        front: bool,
    },
    /// Pause the window; it cannot call until opened again.
    Pause {
        /// Why (shown on the branch's window list).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open the window for calling.
    Open,
    /// Close the window (it must not hold a called or serving ticket).
    Close,
    /// Call one waiting ticket out of order.
    Call {
        /// `A023`, `<branch>.A023` or `<branch>.<yyyymmdd>.A023`.
        ticket_id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Priority {
    Normal,
    Appointment,
    GreenChannel,
}

impl From<Priority> for pb::PriorityClass {
    fn from(priority: Priority) -> Self {
        match priority {
            Priority::Normal => Self::Normal,
            Priority::Appointment => Self::Appointment,
            Priority::GreenChannel => Self::GreenChannel,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Channel {
    Kiosk,
    Mobile,
    Window,
    Api,
}

impl From<Channel> for pb::Channel {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Kiosk => Self::Kiosk,
            Channel::Mobile => Self::Mobile,
            Channel::Window => Self::Window,
            Channel::Api => Self::Api,
        }
    }
}

/// A bare number (`A023`, no dot) means that number of `branch` today: `<branch>.A023`.
pub fn ticket_ref(branch: &str, ticket_id: &str) -> String {
    let ticket_id = ticket_id.trim();
    if ticket_id.contains('.') {
        ticket_id.to_owned()
    } else {
        format!("{branch}.{ticket_id}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "args_tests.rs"]
mod tests;
