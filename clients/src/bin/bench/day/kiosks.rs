//! The citizens' side of the day: walk-ins taking numbers at the kiosks, evenly over the
//! issuing time; appointments booked before the day (each tenth request sent twice with its
//! idempotency key) and checked in at the kiosks during it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use queuecall_client::pb;
use queuecall_client::pb::appointment_service_client::AppointmentServiceClient;
use queuecall_client::pb::queue_service_client::QueueServiceClient;

use super::check::{Issued, Replay};
use super::ledger::{Ledger, Op};
use super::plan::Plan;
use crate::bench::booking::resident_id;
use crate::bench::queue::Conn;

/// The walk-ins: `kiosks` tasks, kiosk k taking the numbers of walk-ins k, k + kiosks, …
/// each at its planned moment (at once when behind).
pub async fn walk_ins(
    conns: &[Conn],
    branch: &str,
    plan: Arc<Plan>,
    ledger: Arc<Ledger>,
    kiosks: u32,
    start: Instant,
) {
    let mut tasks = Vec::new();
    for k in 0..kiosks {
        let mut client = QueueServiceClient::new(conns[k as usize % conns.len()].clone());
        let (plan, ledger, branch) = (plan.clone(), ledger.clone(), branch.to_owned());
        tasks.push(tokio::spawn(async move {
            for i in (k..plan.tickets).step_by(kiosks as usize) {
                tokio::time::sleep_until((start + plan.take_at(i)).into()).await;
                let phone = plan.phone_of(i);
                let service = plan.service_of(i).to_owned();
                let request = pb::TakeTicketRequest {
                    branch_id: branch.clone(),
                    service_id: service.clone(),
                    phone: phone.clone().unwrap_or_default(),
                    priority_class: if plan.green(i) {
                        pb::PriorityClass::GreenChannel
                    } else {
                        pb::PriorityClass::Normal
                    } as i32,
                    channel: pb::Channel::Kiosk as i32,
                    idempotency_key: String::new(),
                };
                let at = Instant::now();
                match client.take_ticket(request).await {
                    Ok(answer) => {
                        ledger.timed(Op::TakeTicket, at.elapsed());
                        if let Some(t) = answer.into_inner().ticket {
                            ledger.issued(
                                Issued {
                                    id: t.id,
                                    number: t.number,
                                    service,
                                },
                                phone.is_some(),
                            );
                        }
                    }
                    Err(status) => ledger.error("TakeTicket", &status),
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// A booked appointment: its check-in code and the slot it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub id: String,
    pub code: String,
    pub slot: String,
}

/// Which slot each of `count` bookings goes to: round robin over the slots that still have
/// seats; `None` when the seats are too few.
pub fn assign(seats: &[u32], count: u32) -> Option<Vec<usize>> {
    let mut left = seats.to_vec();
    let mut out = Vec::with_capacity(count as usize);
    let mut next = 0;
    for _ in 0..count {
        let k = (0..left.len())
            .map(|step| (next + step) % left.len())
            .find(|&k| left[k] > 0)?;
        left[k] -= 1;
        out.push(k);
        next = k + 1;
    }
    Some(out)
}

/// The bookable slots of `service` on `date`.
pub async fn slots(
    conn: &Conn,
    branch: &str,
    service: &str,
    date: &str,
    all: bool,
) -> anyhow::Result<Vec<pb::Slot>> {
    Ok(AppointmentServiceClient::new(conn.clone())
        .list_available_slots(pb::ListAvailableSlotsRequest {
            branch_id: branch.to_owned(),
            service_id: service.to_owned(),
            from_date: date.to_owned(),
            to_date: String::new(),
            include_unavailable: all,
        })
        .await
        .context("ListAvailableSlots")?
        .into_inner()
        .slots)
}

/// Books `count` appointments of `service` on `date`, one person each, 16 at a time; each
/// tenth request is sent a second time with the same idempotency key.
pub async fn book(
    conns: &[Conn],
    branch: &str,
    service: &str,
    date: &str,
    count: u32,
    ledger: &Ledger,
) -> anyhow::Result<(Vec<Booked>, Vec<Replay>)> {
    let open = slots(&conns[0], branch, service, date, false).await?;
    let seats: Vec<u32> = open.iter().map(|s| s.remaining).collect();
    let Some(plan) = assign(&seats, count) else {
        bail!(
            "{service} has {} seats on {date}, fewer than the {count} appointments: start on \
             fresh records, with the hall's time zone so that its slots are still ahead",
            seats.iter().sum::<u32>()
        );
    };
    let plan = Arc::new(plan);
    let open = Arc::new(open);
    let desks: u32 = 16;
    let mut tasks = Vec::new();
    for d in 0..desks {
        let mut client = AppointmentServiceClient::new(conns[d as usize % conns.len()].clone());
        let (plan, open, date) = (plan.clone(), open.clone(), date.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for j in (d..count).step_by(desks as usize) {
                let request = pb::BookAppointmentRequest {
                    slot_id: open[plan[j as usize]].id.clone(),
                    name: "压测预约".to_owned(),
                    phone: format!("137{j:08}"),
                    id_number: resident_id(j),
                    credit_code: String::new(),
                    idempotency_key: format!("day-{date}-{j}"),
                };
                let again = (j % 10 == 0).then(|| request.clone());
                let at = Instant::now();
                let first = client.book_appointment(request).await;
                let took = at.elapsed();
                let second = match again {
                    Some(request) => Some(client.book_appointment(request).await),
                    None => None,
                };
                out.push((j, took, first, second));
            }
            out
        }));
    }
    let (mut booked, mut replays) = (Vec::new(), Vec::new());
    for task in tasks {
        for (_, took, first, second) in task.await.context("a booking desk")? {
            let first = match first {
                Ok(answer) => answer.into_inner().appointment.unwrap_or_default(),
                Err(status) => {
                    ledger.error("BookAppointment", &status);
                    continue;
                }
            };
            ledger.timed(Op::Book, took);
            if let Some(second) = second {
                match second {
                    Ok(answer) => {
                        let answer = answer.into_inner();
                        replays.push(Replay {
                            first: first.id.clone(),
                            second: answer.appointment.unwrap_or_default().id,
                            replayed: answer.replayed,
                        });
                    }
                    Err(status) => ledger.error("BookAppointment (repeated)", &status),
                }
            }
            booked.push(Booked {
                id: first.id,
                code: first.check_in_code,
                slot: first.slot.unwrap_or_default().id,
            });
        }
    }
    Ok((booked, replays))
}

/// The booked citizens check in at the kiosks, evenly over `over`.
pub async fn check_ins(
    conn: Conn,
    branch: String,
    booked: Vec<Booked>,
    ledger: Arc<Ledger>,
    over: Duration,
    start: Instant,
) {
    let count = booked.len().max(1) as f64;
    let desks = 4;
    let booked = Arc::new(booked);
    let mut tasks = Vec::new();
    for d in 0..desks {
        let mut client = AppointmentServiceClient::new(conn.clone());
        let (booked, ledger, branch) = (booked.clone(), ledger.clone(), branch.to_owned());
        tasks.push(tokio::spawn(async move {
            for j in (d..booked.len()).step_by(desks) {
                let at = start + over.mul_f64(j as f64 / count);
                tokio::time::sleep_until(at.into()).await;
                let request = pb::CheckInRequest {
                    branch_id: branch.clone(),
                    by: Some(pb::check_in_request::By::CheckInCode(
                        booked[j].code.clone(),
                    )),
                };
                let at = Instant::now();
                match client.check_in(request).await {
                    Ok(answer) => {
                        ledger.timed(Op::CheckIn, at.elapsed());
                        if let Some(t) = answer.into_inner().ticket {
                            let issued = Issued {
                                id: t.id,
                                number: t.number,
                                service: t.service_id,
                            };
                            ledger.issued(issued, true);
                        }
                    }
                    Err(status) => ledger.error("CheckIn", &status),
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bookings_go_round_the_slots_that_have_seats() {
        assert_eq!(assign(&[2, 2], 4).unwrap(), [0, 1, 0, 1]);
        assert_eq!(assign(&[1, 3, 0], 4).unwrap(), [0, 1, 1, 1]);
        let plan = assign(&[50; 8], 400).unwrap();
        for k in 0..8 {
            assert_eq!(plan.iter().filter(|&&s| s == k).count(), 50);
        }
    }

    #[test]
    fn too_few_seats_is_no_plan() {
        assert_eq!(assign(&[1, 1], 3), None);
        assert_eq!(assign(&[], 1), None);
        assert_eq!(assign(&[], 0).unwrap(), Vec::<usize>::new());
    }
}
