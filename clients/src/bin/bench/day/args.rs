//! The command line of `queuecall-bench day`: the size and mix of the day, the fake SMS
//! provider's address and credentials.

use std::net::SocketAddr;

use clap::Args;

pub const DAY_HELP: &str = "\
What it does, against a running service on fresh records (see scripts/bench-day.sh and its
hall, scripts/bench/day-hall.yaml): starts a fake Twilio-compatible SMS provider on
--sms-listen (the service must be started with sms.base_url pointing there and the same
account SID and auth token); reads the branch (its service day, services and windows);
opens every window; books --appointments appointments of --appointment-service on the
service day (each tenth request twice, with the same idempotency key); then the day:
--tickets walk-ins take numbers evenly over --seconds at --kiosks kiosks (a share with a
phone, a share by the green channel, for services weighted from busiest to quietest), the
booked citizens check in over the same time, and one clerk per window calls the next
ticket and serves it (StartService, --serve-ms scaled 0.5-1.5x, CompleteService), marks a
no-show, or transfers it to another service, until every ticket has ended (or --timeout).
Meanwhile one display watches the branch and another reconnects every --resume-every-ms
with its last event id. After the day it waits until the provider has received nothing for
--sms-settle-ms; with --restart-file it then lets the service be killed and restarted (see
that option) and waits for the provider again; then it reads every ticket back, the
statistics, the slots and the branch.

Report (stdout): tickets issued (walk-in, check-in), done, no-show and transferred; the time
issuing took and the time until every ticket ended; per operation the count, ops/s over the
day and latency p50/p99/max (ms); SMS messages received; failed calls; each invariant of
DESIGN.md PASS or FAIL with its evidence:
  1 numbers of each service are 1..n, as many as the branch says it issued;
  2 no ticket was handed out by CallNext more often than it waited;
  3 every ticket is found, in the final state its window left it in (or live), and the
    day's statistics count the same done and no-shows (after the restart, if any);
  4 no slot holds more than its capacity, each holds exactly the bookings made, and a
    repeated request gave the same appointment;
  5 the provider never received the same message to the same number twice;
  6 the reconnecting display received exactly the events the staying one did, in order.
Last a line `RESULT key=value ...`. Exit status: 0 when every invariant held, every ticket
ended and no call failed; 1 otherwise.";

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct DayArgs {
    #[command(flatten)]
    pub on: crate::bench::args::ServerArgs,
    #[arg(long, default_value = "day-centre")]
    pub branch: String,
    /// Walk-in tickets over the day.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub tickets: u32,
    /// Appointments booked before the day and checked in during it.
    #[arg(long, default_value_t = 400)]
    pub appointments: u32,
    /// The bookable service.
    #[arg(long, default_value = "appointments")]
    pub appointment_service: String,
    /// How long the kiosks hand out numbers (seconds).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub seconds: u64,
    /// Kiosk tasks taking the walk-ins' numbers.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub kiosks: u32,
    /// HTTP/2 connections shared by kiosks, windows and the booking desk.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// A clerk's time with one citizen, in milliseconds (each ticket 0.5-1.5 times this).
    #[arg(long, default_value_t = 40)]
    pub serve_ms: u64,
    /// Walk-ins leaving a phone number for reminders, per mille.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub phone_per_mille: u32,
    /// Walk-ins by the green channel, per mille.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub green_per_mille: u32,
    /// Called citizens who do not come, per mille.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub no_show_per_mille: u32,
    /// Tickets transferred to another service, per mille (never one with a phone).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub transfer_per_mille: u32,
    /// The day stops here even if tickets are left (seconds from its start).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Where the fake SMS provider listens.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub sms_listen: SocketAddr,
    /// The account SID the service sends with.
    #[arg(long, default_value = "ACqueuecallbench")]
    pub sms_account_sid: String,
    /// The auth token the service sends with.
    #[arg(long, env = "QUEUECALL_BENCH_SMS_TOKEN", hide_env_values = true)]
    pub sms_auth_token: String,
    /// After the day, wait until the provider received nothing for this long (ms).
    #[arg(long, default_value_t = 3000)]
    pub sms_settle_ms: u64,
    /// The reconnecting display drops its stream this often (ms).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub resume_every_ms: u64,
    /// Before reading back, let the service be killed and restarted: create `<FILE>.day-over`
    /// and wait (at most two minutes) until FILE exists, then read through new connections.
    #[arg(long, value_name = "FILE")]
    pub restart_file: Option<std::path::PathBuf>,
}

impl DayArgs {
    /// Why these arguments cannot run, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.no_show_per_mille + self.transfer_per_mille > 1000 {
            return Err(format!(
                "--no-show-per-mille {} and --transfer-per-mille {} add up to more than 1000",
                self.no_show_per_mille, self.transfer_per_mille
            ));
        }
        if self.sms_auth_token.is_empty() {
            return Err("--sms-auth-token must not be empty".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::super::super::args::{Bench, Mode};
    use super::*;

    fn day(args: &[&str]) -> DayArgs {
        let mut argv = vec!["queuecall-bench", "day", "--sms-auth-token", "t"];
        argv.extend_from_slice(args);
        match Bench::try_parse_from(&argv).unwrap().mode {
            Mode::Day(args) => args,
            other => unreachable!("parsed as {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_the_day_of_issue_7() {
        let args = day(&[]);
        assert_eq!(
            (args.tickets, args.appointments, args.seconds),
            (20_000, 400, 60)
        );
        assert_eq!(args.branch, "day-centre");
        assert!(args.check().is_ok());
    }

    #[test]
    fn shares_that_add_up_to_more_than_everyone_are_refused() {
        let args = day(&["--no-show-per-mille", "600", "--transfer-per-mille", "500"]);
        let why = args.check().unwrap_err();
        assert!(why.contains("--no-show-per-mille 600"), "{why}");
        let argv = ["queuecall-bench", "day", "--sms-auth-token", "t"];
        let over = [&argv[..], &["--phone-per-mille", "1001"]].concat();
        assert!(Bench::try_parse_from(over).is_err());
        let empty = DayArgs {
            sms_auth_token: String::new(),
            ..day(&[])
        };
        assert!(empty.check().is_err());
    }

    #[test]
    fn help_documents_every_invariant_and_the_exit_status() {
        let mut command = Bench::command();
        let help = command
            .find_subcommand_mut("day")
            .unwrap()
            .render_long_help()
            .to_string();
        for needle in [
            "1 numbers",
            "2 no ticket",
            "3 every ticket",
            "4 no slot",
            "5 the provider",
            "6 the reconnecting",
            "Exit status",
        ] {
            assert!(help.contains(needle), "day --help lacks {needle}");
        }
    }
}
