//! `queuecall-bench day`: a full day of a district hall in about a minute — walk-ins at the
//! kiosks, appointments booked and checked in, clerks at every window, SMS reminders to a
//! fake provider inside the bench, two hall displays — ending with the check of every
//! invariant of DESIGN.md.

mod args;
pub mod check;
pub mod display_check;
pub mod displays;
pub mod kiosks;
pub mod ledger;
pub mod plan;
pub mod provider;
pub mod readback;
pub mod report;
pub mod windows;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

pub use self::args::{DAY_HELP, DayArgs};
use self::check::{Ended, Observed, SlotSeats};
use self::ledger::Ledger;
use self::plan::Plan;
use self::provider::FakeProvider;
use self::readback::{get_branch, settle, states, statistics};
use self::report::Figures;
use super::queue::connect;
use super::stats::Summary;

/// Runs the day and prints the report; true when everything held.
pub async fn run(args: DayArgs) -> anyhow::Result<bool> {
    args.check().map_err(|why| anyhow::anyhow!(why))?;
    let mut conns = connect(&args.on.target()?, args.connections).await?;
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
    let restarted = match &args.restart_file {
        Some(file) => {
            readback::wait_for_restart(file, Duration::from_secs(120)).await?;
            conns = connect(&args.on.target()?, args.connections).await?;
            settle(&provider, Duration::from_millis(args.sms_settle_ms)).await;
            true
        }
        None => false,
    };
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
        after_restart: restarted,
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
