//! `queuecall-bench displays`: open many WatchBranch streams, make paced calls, and time
//! each call's arrival on every stream.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use queuecall_client::{ClientError, QueueClient, TakeTicket, pb};

use super::args::DisplaysArgs;
use super::memory::{own_rss_kib, rss_kib};
use super::report::{Call, Results, Setup, render};
use super::streams::{self, Fleet, Shared};

/// How often the driver looks at the counters.
const POLL: Duration = Duration::from_millis(1);
/// How often opening progress is printed to stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// Runs the bench and prints the report; true when nothing was missed.
pub async fn run(args: DisplaysArgs) -> anyhow::Result<bool> {
    args.check().map_err(anyhow::Error::msg)?;
    let server = args.on.target()?;
    let mut queue = QueueClient::connect(&server)
        .await
        .context("cannot reach the service")?;
    empty_window(&mut queue, &args).await?;

    let server_before = args.server_pid.map(rss_kib).transpose()?;
    let bench_before = own_rss_kib().ok();
    let per_connection = args.streams_per_connection();
    let shared = Shared::new(usize::try_from(args.open_concurrency)?);
    let channels = streams::connect(&server, args.connections, per_connection).await?;
    let fleet = Fleet::spawn(
        &channels,
        &args.branch,
        args.streams,
        args.calls,
        Arc::clone(&shared),
    );
    let opened_in = wait_until_open(&shared, &args).await?;
    // Let the server finish whatever the last snapshots started before reading its memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let server_after = args.server_pid.map(rss_kib).transpose()?;
    let bench_after = own_rss_kib().ok();

    let (calls, late_calls) = make_calls(&mut queue, &shared, &args).await?;
    let seen = fleet.stop().await?;
    let results = Results::measure(&calls, &seen.first_call_event, &seen.deliveries);
    let setup = Setup {
        title: format!(
            "queuecall-bench displays: {}, branch {}, window {}, service {}",
            args.on.server, args.branch, args.window, args.service
        ),
        connections: args.connections,
        per_connection,
        opened_in_ms: u64::try_from(opened_in.as_millis()).unwrap_or(u64::MAX),
        pace_ms: args.pace_ms,
        failed_streams: shared.failed.load(Ordering::Relaxed),
        fell_behind: shared.fell_behind.load(Ordering::Relaxed),
        late_calls,
        server_memory: args
            .server_pid
            .zip(server_before)
            .zip(server_after)
            .map(|((pid, before), after)| (pid, before, after)),
        bench_memory: bench_before.zip(bench_after),
        errors: shared.errors(),
    };
    println!("{}", render(&setup, &results));
    Ok(setup.clean(&results))
}

/// Opens the window if needed and finishes any ticket it holds, so CallNext can call.
async fn empty_window(queue: &mut QueueClient, args: &DisplaysArgs) -> anyhow::Result<()> {
    let (branch, number) = (args.branch.as_str(), args.window);
    loop {
        let layout = queue
            .get_branch(branch)
            .await
            .with_context(|| format!("cannot read branch {branch}"))?;
        let Some(window) = layout.windows.iter().find(|w| w.number == number) else {
            bail!("branch {branch} has no window {number}");
        };
        if !window.service_ids.contains(&args.service) {
            bail!("window {number} does not serve {}", args.service);
        }
        if window.state() != pb::WindowState::Open {
            queue.open_window(branch, number).await?;
            continue;
        }
        match window.current_ticket.as_ref().map(|t| t.state()) {
            Some(pb::TicketState::Called) => {
                queue.start_service(branch, number).await?;
            }
            Some(pb::TicketState::Serving) => {
                queue.complete_service(branch, number).await?;
            }
            _ => return Ok(()),
        }
    }
}

/// Waits until every stream has its snapshot (or failed) and the reference stream is up.
async fn wait_until_open(shared: &Shared, args: &DisplaysArgs) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.open_timeout);
    let streams = usize::try_from(args.streams)?;
    let mut next_progress = started + PROGRESS_EVERY;
    loop {
        let open = shared.snapshots.load(Ordering::Relaxed);
        let failed = shared.failed.load(Ordering::Relaxed);
        if open + failed >= streams && shared.reference_ready.load(Ordering::Relaxed) {
            let took = started.elapsed();
            eprintln!("bench: {open} streams open, {failed} failed, in {took:.1?}");
            return Ok(took);
        }
        let now = Instant::now();
        if now >= deadline {
            bail!(
                "only {open} of {streams} streams got their snapshot within {} s ({failed} failed): {:?}",
                args.open_timeout,
                shared.errors()
            );
        }
        if now >= next_progress {
            eprintln!("bench: {open}/{streams} streams open, {failed} failed");
            next_progress = now + PROGRESS_EVERY;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Makes the calls one at a time: take a ticket, time CallNext, wait until every live
/// stream has the call (or the delivery time-out passes), serve and finish it, rest.
/// Returns the calls and how many were late.
async fn make_calls(
    queue: &mut QueueClient,
    shared: &Shared,
    args: &DisplaysArgs,
) -> anyhow::Result<(Vec<Call>, usize)> {
    let (branch, window) = (args.branch.as_str(), args.window);
    let timeout = Duration::from_secs(args.delivery_timeout);
    let mut calls = Vec::new();
    let mut late = 0;
    for n in 1..=args.calls {
        queue
            .take_ticket(TakeTicket::new(branch, &args.service))
            .await
            .map_err(|err| take_failed(err, n))?;
        let live = shared
            .snapshots
            .load(Ordering::Relaxed)
            .saturating_sub(shared.failed.load(Ordering::Relaxed)) as u64;
        let before = shared.called.load(Ordering::Relaxed);
        let sent_us = shared.now_us();
        let ticket = queue
            .call_next(branch, window)
            .await
            .with_context(|| format!("call {n}: CallNext failed"))?
            .with_context(|| format!("call {n}: nothing waiting for window {window}"))?;
        let round_trip_us = shared.now_us().saturating_sub(sent_us);
        calls.push(Call {
            ticket_id: ticket.id,
            sent_us,
            round_trip_us,
        });
        let deadline = Instant::now() + timeout;
        while shared.called.load(Ordering::Relaxed) < before + live {
            if Instant::now() >= deadline {
                late += 1;
                break;
            }
            tokio::time::sleep(POLL).await;
        }
        queue
            .start_service(branch, window)
            .await
            .with_context(|| format!("call {n}: StartService failed"))?;
        queue
            .complete_service(branch, window)
            .await
            .with_context(|| format!("call {n}: CompleteService failed"))?;
        if n % 50 == 0 {
            eprintln!("bench: {n}/{} calls", args.calls);
        }
        tokio::time::sleep(Duration::from_millis(args.pace_ms)).await;
    }
    Ok((calls, late))
}

fn take_failed(err: ClientError, n: u32) -> anyhow::Error {
    match err {
        ClientError::ResourceExhausted(why) => anyhow::anyhow!(
            "call {n}: TakeTicket: {why} (each call takes a ticket: start the service on a \
             fresh store, or use fewer --calls)"
        ),
        other => anyhow::anyhow!("call {n}: TakeTicket failed: {other}"),
    }
}
