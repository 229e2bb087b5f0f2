//! `queuecall-bench day`: a full day of a district hall in about a minute — walk-ins at the
//! kiosks, appointments booked and checked in, clerks at every window, SMS reminders to a
//! fake provider inside the bench, two hall displays — ending with the check of every
//! invariant of DESIGN.md.

pub mod check;
pub mod displays;
pub mod kiosks;
pub mod ledger;
pub mod plan;
pub mod provider;
pub mod readback;
pub mod report;
pub mod windows;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use self::check::{Ended, Observed, SlotSeats};
use self::ledger::Ledger;
use self::plan::Plan;
use self::provider::FakeProvider;
use self::readback::{get_branch, settle, states, statistics};
use self::report::Figures;
use super::queue::connect;
use super::stats::Summary;

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
--sms-settle-ms, reads every ticket back, the statistics, the slots and the branch.

Report (stdout): tickets issued (walk-in, check-in), done, no-show and transferred; the time
issuing took and the time until every ticket ended; per operation the count, ops/s over the
day and latency p50/p99/max (ms); SMS messages received; failed calls; each invariant of
DESIGN.md PASS or FAIL with its evidence:
  1 numbers of each service are 1..n, as many as the branch says it issued;
  2 no ticket was handed out by CallNext more often than it waited;
  3 every ticket is found, in the final state its window left it in (or live), and the
    day's statistics count the same done and no-shows;
  4 no slot holds more than its capacity, each holds exactly the bookings made, and a
    repeated request gave the same appointment;
  5 the provider never received the same message to the same number twice;
  6 the reconnecting display received exactly the events the staying one did, in order.
Last a line `RESULT key=value ...`. Exit status: 0 when every invariant held, every ticket
ended and no call failed; 1 otherwise.";

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct DayArgs {
    #[command(flatten)]
    pub on: super::args::ServerArgs,
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

/// Runs the day and prints the report; true when everything held.
pub async fn run(args: DayArgs) -> anyhow::Result<bool> {
    args.check().map_err(|why| anyhow::anyhow!(why))?;
    let conns = connect(&args.on.target()?, args.connections).await?;
    let provider =
        FakeProvider::start(args.sms_listen, &args.sms_account_sid, &args.sms_auth_token).await?;
    eprintln!("fake SMS provider listening on http://{}", provider.addr);
    let branch = get_branch(&conns[0], &args.branch).await?;
    let date = branch.service_day.clone();
    let services: Vec<String> = branch.services.iter().map(|s| s.id.clone()).collect();
    let window_numbers: Vec<u32> = branch.windows.iter().map(|w| w.number).collect();
    let plan = Arc::new(Plan {
        tickets: args.tickets,
        services,
        issuing: Duration::from_secs(args.seconds),
        phone_per_mille: args.phone_per_mille,
        green_per_mille: args.green_per_mille,
        no_show_per_mille: args.no_show_per_mille,
        transfer_per_mille: args.transfer_per_mille,
    });
    let ledger = Arc::new(Ledger::default());
    windows::open(&conns[0], &args.branch, &window_numbers, &ledger).await;
    let (booked, replays) = kiosks::book(
        &conns,
        &args.branch,
        &args.appointment_service,
        &date,
        args.appointments,
        &ledger,
    )
    .await?;

    let (stop_reference, reference_stop) = tokio::sync::watch::channel(false);
    let (stop_resumer, resumer_stop) = tokio::sync::watch::channel(false);
    let reference = tokio::spawn(displays::reference(
        conns[0].clone(),
        args.branch.clone(),
        reference_stop,
    ));
    let resumer = tokio::spawn(displays::resumer(
        conns[conns.len() - 1].clone(),
        args.branch.clone(),
        Duration::from_millis(args.resume_every_ms),
        resumer_stop,
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;

    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.timeout);
    let booked_per_slot = booked.iter().fold(HashMap::new(), |mut m, b| {
        *m.entry(b.slot.clone()).or_insert(0u32) += 1;
        m
    });
    let booked_count = booked.len() as u32;
    let walk_ins = tokio::spawn({
        let (conns, branch, plan, ledger) = (
            conns.clone(),
            args.branch.clone(),
            plan.clone(),
            ledger.clone(),
        );
        let kiosks = args.kiosks;
        async move { kiosks::walk_ins(&conns, &branch, plan, ledger, kiosks, start).await }
    });
    let check_ins = tokio::spawn(kiosks::check_ins(
        conns[0].clone(),
        args.branch.clone(),
        booked,
        ledger.clone(),
        plan.issuing,
        start,
    ));
    let clerks = tokio::spawn({
        let (conns, branch, plan, ledger) = (
            conns.clone(),
            args.branch.clone(),
            plan.clone(),
            ledger.clone(),
        );
        let (numbers, serve) = (window_numbers.clone(), Duration::from_millis(args.serve_ms));
        async move { windows::run(&conns, &branch, &numbers, plan, ledger, serve, deadline).await }
    });
    walk_ins.await.context("the kiosks")?;
    check_ins.await.context("the check-in kiosks")?;
    let issuing = start.elapsed();
    ledger.close_issuing();
    clerks.await.context("the windows")?;
    let day = start.elapsed();
    let finished = ledger.day_over();

    let _ = stop_resumer.send(true);
    let segments = resumer.await.context("the resuming display")??;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop_reference.send(true);
    let reference = reference.await.context("the staying display")??;

    settle(&provider, Duration::from_millis(args.sms_settle_ms)).await;
    let book = ledger.take();
    let mut seen = Observed {
        issued_today: get_branch(&conns[0], &args.branch)
            .await?
            .services
            .iter()
            .map(|s| (s.id.clone(), s.issued_today))
            .collect(),
        states: states(&conns, &book.issued).await?,
        statistics: statistics(&conns[0], &args.branch, &date, &book.ended).await,
        slots: kiosks::slots(
            &conns[0],
            &args.branch,
            &args.appointment_service,
            &date,
            true,
        )
        .await?
        .into_iter()
        .map(|s| SlotSeats {
            booked_by_bench: booked_per_slot.get(&s.id).copied().unwrap_or(0),
            id: s.id,
            capacity: s.capacity,
            remaining: s.remaining,
        })
        .collect(),
        replays,
        sms: provider.messages(),
        displays: displays::displays(reference, segments),
        ..Observed::default()
    };
    let issued_count = book.issued.len() as u32;
    seen.issued = book.issued;
    seen.calls = book.calls;
    seen.transfers = book.transfers;
    seen.ended = book.ended;
    let verdicts = check::check(&seen);

    let count = |how| seen.ended.values().filter(|e| **e == how).count() as u32;
    let latencies: BTreeMap<_, _> = book
        .latencies
        .into_iter()
        .filter_map(|(op, us)| Summary::of(us).map(|s| (op, s)))
        .collect();
    let check_in_count = latencies.get(&ledger::Op::CheckIn).map_or(0, |s| s.count) as u32;
    let figures = Figures {
        server: args.on.server.clone(),
        branch: args.branch.clone(),
        date,
        services: plan.services.len(),
        windows: window_numbers.len(),
        walk_ins_planned: args.tickets,
        appointments_planned: args.appointments,
        walk_ins: issued_count.saturating_sub(check_in_count),
        check_ins: check_in_count,
        booked: booked_count,
        done: count(Ended::Done),
        no_shows: count(Ended::NoShow),
        transfers: seen.transfers.values().sum(),
        issuing,
        day,
        finished,
        latencies,
        empty_calls: book.empty_calls,
        sms: seen.sms.len(),
        phones: book.with_phone.len(),
        sms_numbers: seen
            .sms
            .iter()
            .map(|(to, _)| to)
            .collect::<HashSet<_>>()
            .len(),
        sms_refused: provider.refused(),
        errors: book.error_count,
        first_errors: book.errors,
        verdicts,
    };
    print!("{}", report::render(&figures));
    Ok(figures.ok())
}
