//! The steps that start from a ticket or a service: take, read, list, cancel, requeue, and
//! the end of a service day. Each builds one script invocation from the call and the layout.

use chrono::DateTime;

use super::RedisStore;
use super::args::{self, at_ms};
use super::batch::Kind;
use super::decode::{self, int, next, text};
use super::keys;
use super::reply::Step;
use super::run::{self, Via};
use super::scripts::SCRIPTS;
use crate::domain::{
    NewTicket, Now, Phone, ServiceId, Ticket, TicketId, TicketNumber, TicketState, TicketView,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Service};
use crate::store::Issued;

/// The ticket take.lua issued as number `seq`: the hash it wrote holds what the call passed.
fn issued_ticket(
    branch: &Branch,
    service: &Service,
    new: &NewTicket,
    now: &Now,
    seq: i64,
) -> QueueResult<Ticket> {
    let seq = u32::try_from(seq)
        .map_err(|_| QueueError::Internal(anyhow::anyhow!("take script issued number {seq}")))?;
    let issued_at = DateTime::from_timestamp_millis(at_ms(now))
        .ok_or_else(|| QueueError::Internal(anyhow::anyhow!("instant out of range")))?;
    let id = TicketId {
        branch: branch.id.clone(),
        day: now.day,
        number: TicketNumber::new(&service.prefix, seq),
    };
    Ok(Ticket::issued(id, new, issued_at))
}

impl RedisStore {
    pub(super) async fn issue(
        &self,
        branch: &Branch,
        new: &NewTicket,
        now: &Now,
    ) -> QueueResult<Issued> {
        let service = branch
            .service(&new.service)
            .ok_or_else(|| QueueError::NotFound {
                what: "service",
                name: format!("{}' in branch '{}", new.service, branch.id),
            })?;
        let argv = vec![
            branch.id.as_str().to_owned(),
            keys::day(now.day),
            service.id.as_str().to_owned(),
            service.prefix.clone(),
            service.daily_limit.to_string(),
            service.rank(new.priority).to_string(),
            now.ms_of_day.to_string(),
            at_ms(now).to_string(),
            new.priority.as_str().to_owned(),
            new.channel.as_str().to_owned(),
            new.phone.as_ref().map_or("", Phone::digits).to_owned(),
            new.idempotency_key.clone().unwrap_or_default(),
        ];
        let answer = self.run_step(branch, Kind::Take, argv).await?;
        let step = Step {
            service: Some(service),
            ..Step::new("issued", &[])
        };
        let mut items = run::applied(answer, &step)?;
        match text(&next(&mut items)?)?.as_str() {
            "replayed" => Ok(Issued {
                view: decode::view(branch, next(&mut items)?)?,
                replayed: true,
            }),
            "new" => {
                let seq = int(&next(&mut items)?)?;
                let ticket = issued_ticket(branch, service, new, now, seq)?;
                Ok(Issued {
                    view: decode::view_of(branch, ticket, &mut items)?,
                    replayed: false,
                })
            }
            other => Err(QueueError::Internal(anyhow::anyhow!(
                "take script answered {other:?}"
            ))),
        }
    }

    pub(super) async fn read_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
    ) -> QueueResult<TicketView> {
        let mut inv = self.invoke(&SCRIPTS.get, branch);
        inv.arg(id.to_string());
        let mut items = self.apply(&inv, &Step::new("read", &[])).await?;
        decode::view(branch, next(&mut items)?)
    }

    pub(super) async fn read_waiting(
        &self,
        branch: &Branch,
        service: &ServiceId,
        now: &Now,
    ) -> QueueResult<Vec<Ticket>> {
        let mut inv = self.invoke(&SCRIPTS.waiting, branch);
        inv.arg(keys::day(now.day)).arg(service.as_str());
        let items = self.apply(&inv, &Step::new("listed", &[])).await?;
        items.map(decode::ticket).collect()
    }

    pub(super) async fn cancel(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let mut inv = self.invoke(&SCRIPTS.cancel, branch);
        inv.arg(id.to_string())
            .arg(at_ms(now))
            .arg(keys::day(now.day));
        let step = Step::new("cancelled", &[TicketState::Waiting]);
        let mut items = self.apply(&inv, &step).await?;
        decode::view(branch, next(&mut items)?)
    }

    pub(super) async fn requeue_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        // The service whose prefix the number carries, unless the ticket was transferred.
        let guess: Vec<_> = branch
            .services
            .iter()
            .filter(|s| s.prefix == id.number.prefix())
            .cloned()
            .collect();
        let build = |facts: &[Service]| {
            let mut argv = vec![
                id.to_string(),
                keys::day(now.day),
                now.ms_of_day.to_string(),
                at_ms(now).to_string(),
            ];
            args::service_facts(&mut argv, facts.iter());
            argv
        };
        let step = Step {
            today: Some(now.day),
            ..Step::new("requeued", &[TicketState::NoShow, TicketState::Called])
        };
        let via = Via::Script(&SCRIPTS.requeue);
        let mut items = self
            .apply_with_facts(branch, via, guess, build, &step)
            .await?;
        decode::view(branch, next(&mut items)?)
    }

    pub(super) async fn expire(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        let mut inv = self.invoke(&SCRIPTS.expire, branch);
        inv.arg(keys::day(now.day)).arg(at_ms(now));
        let mut items = self.apply(&inv, &Step::new("expired", &[])).await?;
        let expired = int(&next(&mut items)?)?;
        u32::try_from(expired)
            .map_err(|_| QueueError::Internal(anyhow::anyhow!("expired {expired}")))
    }
}
