//! The clerks: one task per window, calling the next ticket and doing with it what the plan
//! says (serve it, find the citizen absent, or transfer it to another service), until every
//! ticket of the day has ended or the day's time-out passes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use queuecall_client::pb;
use queuecall_client::pb::queue_service_client::QueueServiceClient;

use super::check::Ended;
use super::ledger::{Ledger, Op};
use super::plan::{Fate, Plan, hash_str, mix};
use crate::bench::queue::Conn;

/// How long a window waits before calling again when nothing waited for it: doubling from
/// the first to the last while the hall stays quiet, as a clerk looks up less often.
const IDLE_FIRST: Duration = Duration::from_millis(10);
const IDLE_LAST: Duration = Duration::from_millis(160);

/// The wait after an empty call that followed a wait of `idle`.
pub fn next_idle(idle: Duration) -> Duration {
    (idle * 2).clamp(IDLE_FIRST, IDLE_LAST)
}

/// Opens every window (an open one stays open).
pub async fn open(conn: &Conn, branch: &str, windows: &[u32], ledger: &Ledger) {
    let mut client = QueueServiceClient::new(conn.clone());
    for &window in windows {
        let request = pb::OpenWindowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        if let Err(status) = client.open_window(request).await
            && status.code() != tonic::Code::FailedPrecondition
        {
            ledger.error("OpenWindow", &status);
        }
    }
}

/// A clerk's moment with one citizen: `serve` scaled by 0.5 to 1.5 by the ticket.
pub fn serve_time(serve: Duration, ticket_id: &str) -> Duration {
    let spread = (mix(hash_str(ticket_id)) % 1001) as f64 / 1000.0;
    serve.mul_f64(0.5 + spread)
}

/// Runs every window until the day is over or `deadline`.
pub async fn run(
    conns: &[Conn],
    branch: &str,
    windows: &[u32],
    plan: Arc<Plan>,
    ledger: Arc<Ledger>,
    serve: Duration,
    deadline: Instant,
) {
    let mut tasks = Vec::new();
    for (k, &window) in windows.iter().enumerate() {
        let clerk = Clerk {
            client: QueueServiceClient::new(conns[k % conns.len()].clone()),
            branch: branch.to_owned(),
            window,
            plan: plan.clone(),
            ledger: ledger.clone(),
            serve,
        };
        tasks.push(tokio::spawn(clerk.work(deadline)));
    }
    for task in tasks {
        let _ = task.await;
    }
}

struct Clerk {
    client: QueueServiceClient<Conn>,
    branch: String,
    window: u32,
    plan: Arc<Plan>,
    ledger: Arc<Ledger>,
    serve: Duration,
}

impl Clerk {
    async fn work(mut self, deadline: Instant) {
        let mut idle = Duration::ZERO;
        while !self.ledger.day_over() && Instant::now() < deadline {
            let request = pb::CallNextRequest {
                branch_id: self.branch.clone(),
                window: self.window,
            };
            let at = Instant::now();
            let ticket = match self.client.call_next(request).await {
                Ok(answer) => answer.into_inner().ticket,
                Err(status) => {
                    self.ledger.error("CallNext", &status);
                    tokio::time::sleep(IDLE_LAST).await;
                    continue;
                }
            };
            let Some(ticket) = ticket else {
                self.ledger.empty_call();
                idle = next_idle(idle);
                tokio::time::sleep(idle).await;
                continue;
            };
            idle = Duration::ZERO;
            self.ledger.timed(Op::CallNext, at.elapsed());
            let (has_phone, transfers) = self.ledger.called(&ticket.id);
            match self.plan.fate(&ticket.id, has_phone, transfers > 0) {
                Fate::NoShow => self.no_show(&ticket.id).await,
                Fate::Transfer => match self.plan.transfer_target(&ticket.service_id) {
                    Some(target) => {
                        let target = target.to_owned();
                        self.transfer(&ticket.id, target).await;
                    }
                    None => self.serve(&ticket.id).await,
                },
                Fate::Serve => self.serve(&ticket.id).await,
            }
        }
    }

    async fn start(&mut self) -> bool {
        let request = pb::StartServiceRequest {
            branch_id: self.branch.clone(),
            window: self.window,
        };
        let at = Instant::now();
        match self.client.start_service(request).await {
            Ok(_) => {
                self.ledger.timed(Op::StartService, at.elapsed());
                true
            }
            Err(status) => {
                self.ledger.error("StartService", &status);
                false
            }
        }
    }

    async fn serve(&mut self, ticket: &str) {
        if !self.start().await {
            return;
        }
        tokio::time::sleep(serve_time(self.serve, ticket)).await;
        let request = pb::CompleteServiceRequest {
            branch_id: self.branch.clone(),
            window: self.window,
        };
        let at = Instant::now();
        match self.client.complete_service(request).await {
            Ok(_) => {
                self.ledger.timed(Op::CompleteService, at.elapsed());
                self.ledger.ended(ticket, Ended::Done);
            }
            Err(status) => self.ledger.error("CompleteService", &status),
        }
    }

    async fn no_show(&mut self, ticket: &str) {
        let request = pb::MarkNoShowRequest {
            branch_id: self.branch.clone(),
            window: self.window,
        };
        let at = Instant::now();
        match self.client.mark_no_show(request).await {
            Ok(answer) => {
                self.ledger.timed(Op::MarkNoShow, at.elapsed());
                let state = answer.into_inner().ticket.map(|t| t.state);
                if state == Some(pb::TicketState::NoShow as i32) {
                    self.ledger.ended(ticket, Ended::NoShow);
                } else {
                    // Requeued by the service: it waits again, as after a transfer.
                    self.ledger.transferred(ticket);
                }
            }
            Err(status) => self.ledger.error("MarkNoShow", &status),
        }
    }

    async fn transfer(&mut self, ticket: &str, target: String) {
        if !self.start().await {
            return;
        }
        let request = pb::TransferRequest {
            branch_id: self.branch.clone(),
            window: self.window,
            target_service_id: target,
            to_front: false,
        };
        let at = Instant::now();
        match self.client.transfer(request).await {
            Ok(_) => {
                self.ledger.timed(Op::Transfer, at.elapsed());
                self.ledger.transferred(ticket);
            }
            Err(status) => self.ledger.error("Transfer", &status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_window_looks_up_less_and_less_often_down_to_a_floor() {
        let mut idle = Duration::ZERO;
        let waits: Vec<u64> = (0..7)
            .map(|_| {
                idle = next_idle(idle);
                idle.as_millis() as u64
            })
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 160, 160]);
    }

    #[test]
    fn a_clerks_moment_stays_within_half_and_one_and_a_half_times() {
        let serve = Duration::from_millis(100);
        let times: Vec<Duration> = (0..1000)
            .map(|i| serve_time(serve, &format!("b.A{i:03}")))
            .collect();
        assert!(times.iter().all(|t| *t >= serve / 2 && *t <= serve * 3 / 2));
        let mean = times.iter().sum::<Duration>() / 1000;
        assert!(mean > serve * 9 / 10 && mean < serve * 11 / 10, "{mean:?}");
    }
}
