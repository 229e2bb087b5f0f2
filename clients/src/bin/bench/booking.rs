//! `queuecall-bench booking`: many citizens booking the same few slots at once, as booking
//! bots do when a day opens: throughput, latency, and the check that exactly the seats there
//! are were booked (never one more).

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use queuecall_client::pb;
use queuecall_client::pb::appointment_service_client::AppointmentServiceClient;

use super::queue::{Conn, connect, micros, ms};
use super::stats::Summary;

pub const BOOKING_HELP: &str = "\
What it does, against a running service: lists the bookable slots of --service on --date
(they must all be free: start the service on fresh records), then sends --bookings
BookAppointment calls at once over --connections HTTP/2 connections, each by a person of its
own (a valid ID number and phone per person), spread evenly over the slots; then lists the
slots again.

Report (stdout): the slots and their seats, calls/s over the whole burst, latency
p50/p90/p99/max (ms) of every call, how many were booked and how many refused as full.
Exit status: 0 when exactly min(bookings, seats) were booked, every other call was refused
with FAILED_PRECONDITION (full), and every slot ends with remaining = capacity - booked;
1 otherwise.

See scripts/bench-booking.sh (PostgreSQL records, the bench hall's `booking` service: 50
slots of 5 seats a day).";

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct BookingArgs {
    #[command(flatten)]
    pub on: super::args::ServerArgs,
    #[arg(long, default_value = "bench-centre")]
    pub branch: String,
    #[arg(long, default_value = "booking")]
    pub service: String,
    /// The local date to book (`YYYY-MM-DD`).
    #[arg(long)]
    pub date: String,
    /// Concurrent BookAppointment calls, one person each (at most 100,000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub bookings: u32,
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
}

/// A valid resident ID number for person `n` (< 100,000): GB 11643 check digit.
pub fn resident_id(n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    // Born 1970-01-01 plus n / 1000 days (the first 100 days of 1970 for n < 100,000),
    // sequence n % 1000.
    let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(n / 1000))))
        .unwrap_or_default();
    let body = format!("110105{}{:03}", born.format("%Y%m%d"), n % 1000);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", char::from(CHECK[(sum % 11) as usize]))
}

async fn slots(conn: &Conn, args: &BookingArgs) -> anyhow::Result<Vec<pb::Slot>> {
    Ok(AppointmentServiceClient::new(conn.clone())
        .list_available_slots(pb::ListAvailableSlotsRequest {
            branch_id: args.branch.clone(),
            service_id: args.service.clone(),
            from_date: args.date.clone(),
            to_date: String::new(),
            include_unavailable: true,
        })
        .await
        .context("ListAvailableSlots")?
        .into_inner()
        .slots
        .into_iter()
        .filter(|s| s.bookable || s.remaining < s.capacity)
        .collect())
}

/// Runs the burst and prints the report; true when the seats came out exact.
pub async fn run(args: BookingArgs) -> anyhow::Result<bool> {
    let channels = connect(&args.on.target()?, args.connections).await?;
    let before = slots(&channels[0], &args).await?;
    if before.is_empty() {
        bail!("no bookable slot of {} on {}", args.service, args.date);
    }
    if let Some(taken) = before.iter().find(|s| s.remaining != s.capacity) {
        bail!(
            "slot {} already has bookings ({} of {} left): start on fresh records",
            taken.id,
            taken.remaining,
            taken.capacity
        );
    }
    let seats: u32 = before.iter().map(|s| s.capacity).sum();
    let started = Instant::now();
    let mut handles = Vec::new();
    for n in 0..args.bookings {
        let slot = &before[n as usize % before.len()];
        let request = pb::BookAppointmentRequest {
            slot_id: slot.id.clone(),
            name: "压测用户".to_owned(),
            phone: format!("139{:08}", n),
            id_number: resident_id(n),
            credit_code: String::new(),
            idempotency_key: format!("bench-{}-{n}", args.date),
        };
        let mut client =
            AppointmentServiceClient::new(channels[n as usize % channels.len()].clone());
        handles.push(tokio::spawn(async move {
            let at = Instant::now();
            let answer = client.book_appointment(request).await;
            (micros(at.elapsed()), answer.map(|_| ()))
        }));
    }
    let mut latencies = Vec::new();
    let (mut booked, mut full, mut other) = (0u32, 0u32, Vec::new());
    for handle in handles {
        let (us, answer) = handle.await.context("a booking task")?;
        latencies.push(us);
        match answer {
            Ok(()) => booked += 1,
            Err(status)
                if status.code() == tonic::Code::FailedPrecondition
                    && status.message().contains("full") =>
            {
                full += 1;
            }
            Err(status) => other.push(status.to_string()),
        }
    }
    let elapsed = started.elapsed();
    let after = slots(&channels[0], &args).await?;
    let left: u32 = after.iter().map(|s| s.remaining).sum();
    let expected = seats.min(args.bookings);
    let exact = booked == expected && other.is_empty() && left == seats - booked;

    let summary = Summary::of(latencies);
    println!(
        "queuecall-bench booking: {}, {} {} on {}: {} slots, {seats} seats; {} concurrent \
         bookings over {} connections",
        args.on.server,
        args.branch,
        args.service,
        args.date,
        before.len(),
        args.bookings,
        args.connections
    );
    println!(
        "calls/s {:.0} ({} calls in {:.3} s)",
        f64::from(args.bookings) / elapsed.as_secs_f64().max(1e-9),
        args.bookings,
        elapsed.as_secs_f64()
    );
    if let Some(s) = summary {
        println!(
            "latency ms: p50 {} p90 {} p99 {} max {}",
            ms(s.p50),
            ms(s.p90),
            ms(s.p99),
            ms(s.max)
        );
    }
    println!(
        "booked {booked} (expected {expected}), refused as full {full}, other errors {}, \
         seats left {left}: {}",
        other.len(),
        if exact { "EXACT" } else { "WRONG" }
    );
    for error in other.iter().take(5) {
        println!("  error: {error}");
    }
    println!(
        "RESULT booking_ops={:.0} booked={booked} expected={expected} exact={exact}",
        f64::from(args.bookings) / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(exact)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_are_distinct_and_carry_the_check_digit() {
        let ids: std::collections::HashSet<String> = (0..5000).map(resident_id).collect();
        assert_eq!(ids.len(), 5000);
        assert!(ids.iter().all(|id| id.len() == 18));
        assert_eq!(resident_id(0), "110105197001010003");
    }
}
