//! `QueueStore` for `RedisStore`: each method builds one script invocation from the call and
//! the layout, runs it, and decodes the reply.

use async_trait::async_trait;
use redis::Value;

use super::RedisStore;
use super::args::{self, at_ms};
use super::decode::{self, int, next};
use super::keys;
use super::reply::Step;
use super::scripts::SCRIPTS;
use crate::domain::{
    NewTicket, Now, Phone, ServiceId, Ticket, TicketId, TicketState, TicketView, WindowCommand,
    WindowNo, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Window};
use crate::store::{Issued, QueueStore, ServiceStatus};

use TicketState::{Called, NoShow, Serving, Waiting};

fn layout_window(branch: &Branch, number: WindowNo) -> QueueResult<&Window> {
    branch
        .window(number)
        .ok_or_else(|| QueueError::not_found("window", number))
}

impl RedisStore {
    /// A step on the ticket a window holds (`step.lua`).
    async fn window_step(
        &self,
        branch: &Branch,
        window: WindowNo,
        name: &str,
        step: Step<'_>,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let layout = layout_window(branch, window)?;
        let step = Step {
            window: Some(window),
            ..step
        };
        // Only a recall reads the service's facts; the window's own services cover it.
        let guess: Vec<_> = if name == "recall" {
            args::window_services(branch, layout)
                .into_iter()
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let prefix = self.prefix(branch);
        let build = |facts: &[crate::hall::Service]| {
            let mut inv = SCRIPTS.step.prepare_invoke();
            inv.key(&prefix).arg(name).arg(window.get()).arg(at_ms(now));
            args::service_facts(&mut inv, facts.iter());
            inv
        };
        let mut items = self.apply_with_facts(branch, guess, build, &step).await?;
        decode::view(branch, next(&mut items)?)
    }
}

#[async_trait]
impl QueueStore for RedisStore {
    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %new.service))]
    async fn take_ticket(
        &self,
        branch: &Branch,
        new: &NewTicket,
        now: &Now,
    ) -> QueueResult<Issued> {
        let service = branch
            .service(&new.service)
            .ok_or_else(|| QueueError::not_found("service", &new.service))?;
        let mut inv = SCRIPTS.take.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(branch.id.as_str())
            .arg(keys::day(now.day))
            .arg(service.id.as_str())
            .arg(&service.prefix)
            .arg(service.daily_limit)
            .arg(service.rank(new.priority))
            .arg(now.ms_of_day)
            .arg(at_ms(now))
            .arg(new.priority.as_str())
            .arg(new.channel.as_str())
            .arg(new.phone.as_ref().map_or("", Phone::digits))
            .arg(new.idempotency_key.as_deref().unwrap_or(""));
        let step = Step {
            service: Some(service),
            ..Step::new("issued", &[])
        };
        let mut items = self.apply(&inv, &step).await?;
        let view = decode::view(branch, next(&mut items)?)?;
        let replayed = int(&next(&mut items)?)? == 1;
        Ok(Issued { view, replayed })
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn get_ticket(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView> {
        let mut inv = SCRIPTS.get.prepare_invoke();
        inv.key(self.prefix(branch)).arg(id.to_string());
        let mut items = self.apply(&inv, &Step::new("read", &[])).await?;
        decode::view(branch, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %service))]
    async fn list_waiting(
        &self,
        branch: &Branch,
        service: &ServiceId,
        now: &Now,
    ) -> QueueResult<Vec<Ticket>> {
        let mut inv = SCRIPTS.waiting.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(keys::day(now.day))
            .arg(service.as_str());
        let items = self.apply(&inv, &Step::new("listed", &[])).await?;
        items.map(decode::ticket).collect()
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn cancel_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let mut inv = SCRIPTS.cancel.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(id.to_string())
            .arg(at_ms(now));
        let step = Step::new("cancelled", &[Waiting]);
        let mut items = self.apply(&inv, &step).await?;
        decode::view(branch, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn windows(&self, branch: &Branch) -> QueueResult<Vec<WindowStatus>> {
        let mut inv = SCRIPTS.windows.prepare_invoke();
        inv.key(self.prefix(branch));
        for window in &branch.windows {
            inv.arg(window.number.get());
        }
        let items = self.apply(&inv, &Step::new("read", &[])).await?;
        let numbers = branch.windows.iter().map(|w| w.number);
        numbers
            .zip(items)
            .map(|(number, value)| decode::window(number, value))
            .collect()
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn services(&self, branch: &Branch, now: &Now) -> QueueResult<Vec<ServiceStatus>> {
        let mut inv = SCRIPTS.services.prepare_invoke();
        inv.key(self.prefix(branch)).arg(keys::day(now.day));
        for service in &branch.services {
            inv.arg(service.id.as_str());
        }
        let mut items = self.apply(&inv, &Step::new("read", &[])).await?;
        let open = decode::open_windows(next(&mut items)?)?;
        let ids = branch.services.iter().map(|s| &s.id);
        ids.zip(items)
            .map(|(id, value)| decode::service(branch, id, &open, value))
            .collect()
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn set_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        _now: &Now,
    ) -> QueueResult<WindowStatus> {
        let (name, reason) = match command {
            WindowCommand::Open => ("open", ""),
            WindowCommand::Pause { reason } => ("pause", reason.as_str()),
            WindowCommand::Close => ("close", ""),
        };
        let mut inv = SCRIPTS.set_window.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(window.get())
            .arg(name)
            .arg(reason);
        let step = Step {
            window: Some(window),
            ..Step::new("set", &[])
        };
        let mut items = self.apply(&inv, &step).await?;
        decode::window(window, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn call_next(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<Option<TicketView>> {
        let layout = layout_window(branch, window)?;
        let mut inv = SCRIPTS.call.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg("next")
            .arg(window.get())
            .arg(keys::day(now.day))
            .arg(at_ms(now));
        args::rule(&mut inv, layout.rule);
        for service in args::window_services(branch, layout) {
            inv.arg(service.id.as_str()).arg(service.normal_rank());
        }
        let step = Step {
            window: Some(window),
            ..Step::new("called", &[Waiting])
        };
        let mut items = self.apply(&inv, &step).await?;
        items
            .next()
            .map(|value: Value| decode::view(branch, value))
            .transpose()
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, ticket = %id))]
    async fn call_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let layout = layout_window(branch, window)?;
        let mut inv = SCRIPTS.call.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg("ticket")
            .arg(window.get())
            .arg(keys::day(now.day))
            .arg(at_ms(now))
            .arg(id.to_string());
        for service in &layout.services {
            inv.arg(service.as_str());
        }
        let step = Step {
            window: Some(window),
            today: Some(now.day),
            ..Step::new("called", &[Waiting])
        };
        let mut items = self.apply(&inv, &step).await?;
        decode::view(branch, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn recall(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("recalled", &[Called]);
        self.window_step(branch, window, "recall", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn start_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("started", &[Called]);
        self.window_step(branch, window, "start", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn complete_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("completed", &[Serving]);
        self.window_step(branch, window, "complete", step, now)
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn mark_no_show(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("marked no-show", &[Called]);
        self.window_step(branch, window, "no_show", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn requeue(&self, branch: &Branch, id: &TicketId, now: &Now) -> QueueResult<TicketView> {
        // The service whose prefix the number carries, unless the ticket was transferred.
        let guess: Vec<_> = branch
            .services
            .iter()
            .filter(|s| s.prefix == id.number.prefix())
            .cloned()
            .collect();
        let prefix = self.prefix(branch);
        let build = |facts: &[crate::hall::Service]| {
            let mut inv = SCRIPTS.requeue.prepare_invoke();
            inv.key(&prefix)
                .arg(id.to_string())
                .arg(keys::day(now.day))
                .arg(now.ms_of_day);
            args::service_facts(&mut inv, facts.iter());
            inv
        };
        let step = Step {
            today: Some(now.day),
            ..Step::new("requeued", &[NoShow, Called])
        };
        let mut items = self.apply_with_facts(branch, guess, build, &step).await?;
        decode::view(branch, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, to = %target))]
    async fn transfer(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        _now: &Now,
    ) -> QueueResult<TicketView> {
        let service = args::service_or_default(branch, target);
        let mut inv = SCRIPTS.transfer.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(window.get())
            .arg(target.as_str())
            .arg(if to_front { "1" } else { "0" });
        args::ranks(&mut inv, &service);
        let step = Step {
            window: Some(window),
            ..Step::new("transferred", &[Called, Serving])
        };
        let mut items = self.apply(&inv, &step).await?;
        decode::view(branch, next(&mut items)?)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, day = %now.day))]
    async fn expire_past_days(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        let mut inv = SCRIPTS.expire.prepare_invoke();
        inv.key(self.prefix(branch))
            .arg(keys::day(now.day))
            .arg(at_ms(now));
        let mut items = self.apply(&inv, &Step::new("expired", &[])).await?;
        let expired = int(&next(&mut items)?)?;
        u32::try_from(expired)
            .map_err(|_| QueueError::Internal(anyhow::anyhow!("expired {expired}")))
    }

    async fn ping(&self) -> QueueResult<()> {
        self.conn
            .run(|mut con| async move { redis::cmd("PING").query_async::<Value>(&mut con).await })
            .await
            .map(|_| ())
    }
}
