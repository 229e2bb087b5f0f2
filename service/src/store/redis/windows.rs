//! The steps that start from a window: read windows and services, open/pause/close, call,
//! the steps on the held ticket, and transfer. Each builds one script invocation (calls and
//! the steps on the held ticket: one step of `lua/steps.lua`, see `batch`) from the call and
//! the layout.

use redis::Value;

use super::RedisStore;
use super::args::{self, at_ms};
use super::batch::Kind;
use super::decode::{self, next};
use super::keys;
use super::reply::Step;
use super::run::{self, Via};
use super::scripts::SCRIPTS;
use crate::domain::{Now, ServiceId, TicketId, TicketView, WindowCommand, WindowNo, WindowStatus};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Service, Window};
use crate::store::ServiceStatus;

fn layout_window(branch: &Branch, number: WindowNo) -> QueueResult<&Window> {
    branch.window(number).ok_or_else(|| QueueError::NotFound {
        what: "window",
        name: format!("{number}' in branch '{}", branch.id),
    })
}

/// Who to call: the next by the window's rule, or one ticket out of order.
pub(super) enum Call<'a> {
    Next,
    Ticket(&'a TicketId),
}

impl RedisStore {
    pub(super) async fn read_windows(&self, branch: &Branch) -> QueueResult<Vec<WindowStatus>> {
        let mut inv = self.invoke(&SCRIPTS.windows, branch);
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

    pub(super) async fn read_services(
        &self,
        branch: &Branch,
        now: &Now,
    ) -> QueueResult<Vec<ServiceStatus>> {
        let mut inv = self.invoke(&SCRIPTS.services, branch);
        inv.arg(keys::day(now.day));
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

    pub(super) async fn command_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        now: &Now,
    ) -> QueueResult<WindowStatus> {
        layout_window(branch, window)?;
        let (name, reason) = match command {
            WindowCommand::Open => ("open", ""),
            WindowCommand::Pause { reason } => ("pause", reason.as_str()),
            WindowCommand::Close => ("close", ""),
        };
        let mut inv = self.invoke(&SCRIPTS.set_window, branch);
        inv.arg(window.get()).arg(name).arg(reason).arg(at_ms(now));
        let step = Step {
            window: Some(window),
            ..Step::new("set", &[])
        };
        let mut items = self.apply(&inv, &step).await?;
        decode::window(window, next(&mut items)?)
    }

    /// WAITING → CALLED at `window`; `None` when nothing waits for a call-next.
    pub(super) async fn call(
        &self,
        branch: &Branch,
        window: WindowNo,
        call: Call<'_>,
        now: &Now,
    ) -> QueueResult<Option<TicketView>> {
        let layout = layout_window(branch, window)?;
        let mode = match call {
            Call::Next => "next",
            Call::Ticket(_) => "ticket",
        };
        let mut argv = vec![
            mode.to_owned(),
            window.get().to_string(),
            keys::day(now.day),
            at_ms(now).to_string(),
        ];
        match call {
            Call::Next => {
                args::rule(&mut argv, layout.rule);
                for service in args::window_services(branch, layout) {
                    argv.push(service.id.as_str().to_owned());
                    argv.push(service.normal_rank().to_string());
                }
            }
            Call::Ticket(id) => {
                argv.push(id.to_string());
                argv.extend(layout.services.iter().map(|s| s.as_str().to_owned()));
            }
        }
        let step = Step {
            window: Some(window),
            today: Some(now.day),
            ..Step::new("called", &[crate::domain::TicketState::Waiting])
        };
        let answer = self.run_step(branch, Kind::Call, argv).await?;
        let mut items = run::applied(answer, &step)?;
        items
            .next()
            .map(|value: Value| decode::view(branch, value))
            .transpose()
    }

    /// Recall, start, complete or no-show (`name` as `step.lua` reads it) of the held ticket.
    pub(super) async fn window_step(
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
            let services = args::window_services(branch, layout);
            services.into_iter().cloned().collect()
        } else {
            Vec::new()
        };
        let build = |facts: &[Service]| {
            let remind = name == "recall" && self.remind_on_recall;
            let mut argv = vec![
                name.to_owned(),
                window.get().to_string(),
                at_ms(now).to_string(),
                if remind { "1" } else { "0" }.to_owned(),
            ];
            args::service_facts(&mut argv, facts.iter());
            argv
        };
        let via = Via::Lane(Kind::Step);
        let mut items = self
            .apply_with_facts(branch, via, guess, build, &step)
            .await?;
        decode::view(branch, next(&mut items)?)
    }

    pub(super) async fn transfer_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        now: &Now,
    ) -> QueueResult<TicketView> {
        layout_window(branch, window)?;
        let service = args::service_or_default(branch, target);
        let mut ranks = Vec::new();
        args::ranks(&mut ranks, &service);
        let mut inv = self.invoke(&SCRIPTS.transfer, branch);
        inv.arg(window.get())
            .arg(target.as_str())
            .arg(if to_front { "1" } else { "0" })
            .arg(ranks)
            .arg(keys::day(now.day))
            .arg(at_ms(now));
        use crate::domain::TicketState::{Called, Serving};
        let step = Step {
            window: Some(window),
            ..Step::new("transferred", &[Called, Serving])
        };
        let mut items = self.apply(&inv, &step).await?;
        decode::view(branch, next(&mut items)?)
    }
}
