//! `queuecall-bench scale`: the queue's cost as the waiting line grows. At each size the
//! queue of one service is filled to that many waiting tickets, then TakeTicket and the
//! window's CallNext are timed one at a time; their medians should stay flat (the stores keep
//! the line in ordered structures: a sorted set on Redis, a B-tree in the process).

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use queuecall_client::pb;
use queuecall_client::pb::queue_service_client::QueueServiceClient;

use super::queue::{Conn, connect, micros, ms};
use super::stats::Summary;

pub const SCALE_HELP: &str = "\
What it does, against a running service on fresh state: for each size in --sizes (ascending),
takes tickets for --service (--tasks at a time over --connections connections) until that
many wait, then times --samples TakeTicket calls and --samples CallNext → CompleteService
cycles on --window, one call at a time (the line stays at about that size: each sample takes
one ticket and calls one).

Report (stdout): per size the p50/p99 of TakeTicket and CallNext in milliseconds, and the
largest p50 over the smallest for each. Exit status: 0 when every call succeeded (the
flatness is read from the report, not judged: see BENCHMARKS.md for the target).";

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct ScaleArgs {
    #[command(flatten)]
    pub on: super::args::ServerArgs,
    #[arg(long, default_value = "bench-centre")]
    pub branch: String,
    #[arg(long, default_value = "general")]
    pub service: String,
    /// A window serving --service only.
    #[arg(long, default_value_t = 1)]
    pub window: u32,
    /// Waiting-line sizes, ascending (`100,1000,10000,100000`).
    #[arg(long, default_value = "100,1000,10000,100000", value_delimiter = ',')]
    pub sizes: Vec<u32>,
    /// Timed calls of each kind per size.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    pub samples: u32,
    /// Concurrent tasks filling the line.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: u32,
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
}

fn take_request(args: &ScaleArgs) -> pb::TakeTicketRequest {
    pb::TakeTicketRequest {
        branch_id: args.branch.clone(),
        service_id: args.service.clone(),
        channel: pb::Channel::Kiosk.into(),
        ..Default::default()
    }
}

/// Takes `count` tickets with `tasks` concurrent tasks.
async fn fill(channels: &[Conn], args: &ScaleArgs, count: u32) -> anyhow::Result<()> {
    let tasks = args.tasks.min(count.max(1));
    let mut handles = Vec::new();
    for t in 0..tasks {
        let share = count / tasks + u32::from(t < count % tasks);
        let mut client = QueueServiceClient::new(channels[t as usize % channels.len()].clone());
        let request = take_request(args);
        handles.push(tokio::spawn(async move {
            for _ in 0..share {
                client.take_ticket(request.clone()).await?;
            }
            Ok::<_, tonic::Status>(())
        }));
    }
    for handle in handles {
        handle
            .await
            .context("a filling task")?
            .context("TakeTicket while filling")?;
    }
    Ok(())
}

/// Runs the sizes and prints the report.
pub async fn run(args: ScaleArgs) -> anyhow::Result<bool> {
    if args.sizes.is_empty() || args.sizes.windows(2).any(|w| w[0] >= w[1]) {
        bail!("--sizes must be ascending and not empty");
    }
    let channels = connect(&args.on.target()?, args.connections).await?;
    let mut client = QueueServiceClient::new(channels[0].clone());
    let opened = client
        .open_window(pb::OpenWindowRequest {
            branch_id: args.branch.clone(),
            window: args.window,
        })
        .await;
    if let Err(status) = opened
        && status.code() != tonic::Code::FailedPrecondition
    {
        bail!("cannot open window {}: {status}", args.window);
    }
    let mut waiting = 0u32;
    let mut rows = Vec::new();
    for &size in &args.sizes {
        let started = Instant::now();
        fill(&channels, &args, size - waiting).await?;
        waiting = size;
        eprintln!(
            "{size} waiting (filled in {:.1} s); timing",
            started.elapsed().as_secs_f64()
        );
        let (mut takes, mut calls) = (Vec::new(), Vec::new());
        for _ in 0..args.samples {
            let at = Instant::now();
            client
                .take_ticket(take_request(&args))
                .await
                .context("a timed TakeTicket")?;
            takes.push(micros(at.elapsed()));
            let at = Instant::now();
            let called = client
                .call_next(pb::CallNextRequest {
                    branch_id: args.branch.clone(),
                    window: args.window,
                })
                .await
                .context("a timed CallNext")?;
            calls.push(micros(at.elapsed()));
            if called.get_ref().ticket.is_none() {
                bail!("CallNext found nobody waiting at size {size}");
            }
            client
                .start_service(pb::StartServiceRequest {
                    branch_id: args.branch.clone(),
                    window: args.window,
                })
                .await
                .context("StartService")?;
            client
                .complete_service(pb::CompleteServiceRequest {
                    branch_id: args.branch.clone(),
                    window: args.window,
                })
                .await
                .context("CompleteService")?;
        }
        rows.push((size, Summary::of(takes), Summary::of(calls)));
    }
    println!(
        "queuecall-bench scale: {}, {} {} window {}, {} samples per size\n",
        args.on.server, args.branch, args.service, args.window, args.samples
    );
    println!(
        "{:>9} {:>12} {:>12} {:>12} {:>12}",
        "waiting", "take p50 ms", "take p99 ms", "call p50 ms", "call p99 ms"
    );
    let p50 = |s: &Option<Summary>| s.map_or(0, |s| s.p50);
    let p99 = |s: &Option<Summary>| s.map_or(0, |s| s.p99);
    for (size, take, call) in &rows {
        println!(
            "{size:>9} {:>12} {:>12} {:>12} {:>12}",
            ms(p50(take)),
            ms(p99(take)),
            ms(p50(call)),
            ms(p99(call))
        );
    }
    let spread = |values: Vec<u64>| {
        let min = values.iter().copied().min().unwrap_or(0);
        let max = values.iter().copied().max().unwrap_or(0);
        max as f64 / (min.max(1)) as f64
    };
    let take_spread = spread(rows.iter().map(|r| p50(&r.1)).collect());
    let call_spread = spread(rows.iter().map(|r| p50(&r.2)).collect());
    println!(
        "\nlargest p50 / smallest p50: TakeTicket {take_spread:.2}, CallNext {call_spread:.2}"
    );
    println!("RESULT take_spread={take_spread:.2} call_spread={call_spread:.2}");
    Ok(true)
}
