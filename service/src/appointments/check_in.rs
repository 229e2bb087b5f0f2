//! Checking a citizen in: today's appointment at the branch (by code or ID number) becomes a
//! ticket — appointment priority within the check-in window, an ordinary one when late — and
//! the appointment is marked CHECKED_IN with it. The ticket is taken with an idempotency key
//! derived from the appointment, so a retried check-in (also one that failed between taking
//! the ticket and marking the appointment) answers the same ticket and never issues twice.

use crate::domain::identity::ResidentId;
use crate::domain::{BranchId, Channel, NewTicket, PriorityClass, TicketRef};
use crate::error::{QueueError, QueueResult};
use crate::queue::TicketInfo;
use crate::records::appointments::{
    self as records, Appointment, AppointmentState, CheckInKey, CheckInWindow, check_in_window,
};

use super::Appointments;

/// What a check-in names the appointment by.
#[derive(Debug, Clone)]
pub enum CheckInBy {
    /// The six-digit code of a booking of today at the branch.
    Code(String),
    /// The ID number: today's booking at the branch whose window is open, else the next one.
    Person(ResidentId),
}

/// The answer of a check-in.
#[derive(Debug, Clone)]
pub struct CheckedIn {
    pub appointment: Appointment,
    pub ticket: TicketInfo,
    /// Came after the on-time window: the ticket is an ordinary one.
    pub late: bool,
    /// What the kiosk shows.
    pub message: String,
    /// Already checked in before (a retry): the same ticket.
    pub replayed: bool,
}

/// The kiosk's words.
const ON_TIME: &str = "预约签到成功，请等候叫号 (checked in: please wait to be called)";
const LATE: &str = "已过预约签到时间，已为您取普通号，请等候叫号 \
                    (late for the appointment: this is an ordinary ticket; please wait to be called)";

/// The idempotency key of the ticket an appointment becomes.
fn ticket_key(appointment: &Appointment) -> String {
    format!("appointment-{}", appointment.id)
}

impl Appointments {
    /// Checks in today's appointment at `branch` that `by` names.
    ///
    /// NOT_FOUND when there is none today; FAILED_PRECONDITION when it is cancelled or a
    /// no-show, before its check-in window opens (saying when it does) or after its slot
    /// ended. Within `check_in_after_minutes` of the start: an appointment-priority ticket;
    /// later, until the slot ends: an ordinary ticket, `late`.
    pub async fn check_in(&self, branch: &BranchId, by: CheckInBy) -> QueueResult<CheckedIn> {
        let layout = self.branch(branch)?;
        let now = self.now();
        let today = layout.now(now).day;
        let (key, what) = match &by {
            CheckInBy::Code(code) => (CheckInKey::Code(code.clone()), format!("code {code}")),
            CheckInBy::Person(id) => (
                CheckInKey::Person(self.hasher.hash(id)),
                format!("ID number {}", id.masked()),
            ),
        };
        let found = records::for_check_in(&self.db, branch, today, &key)
            .await
            .map_err(super::records_error)?;
        let choose = |a: &&Appointment| {
            let rules = self.rules(&layout, &a.service);
            let window = check_in_window(a, &rules.policy, now);
            match (a.state, window) {
                (AppointmentState::Booked, CheckInWindow::OnTime | CheckInWindow::Late) => 0,
                (AppointmentState::Booked, CheckInWindow::TooEarly { .. }) => 1,
                (AppointmentState::CheckedIn, _) => 2,
                _ => 3,
            }
        };
        let appointment =
            found
                .iter()
                .min_by_key(choose)
                .cloned()
                .ok_or_else(|| QueueError::NotFound {
                    what: "appointment",
                    name: format!("of {what}' today ({today}) at branch '{branch}"),
                })?;
        if appointment.state == AppointmentState::CheckedIn {
            return self.replay(appointment).await;
        }
        if appointment.state != AppointmentState::Booked {
            return Err(QueueError::FailedPrecondition(format!(
                "appointment {} is {}; only a {} appointment can be checked in",
                appointment.id,
                appointment.state,
                AppointmentState::Booked
            )));
        }
        let rules = self.rules(&layout, &appointment.service);
        let late = match check_in_window(&appointment, &rules.policy, now) {
            CheckInWindow::OnTime => false,
            CheckInWindow::Late => true,
            CheckInWindow::TooEarly { opens_at } => {
                return Err(QueueError::FailedPrecondition(format!(
                    "check-in for appointment {} opens at {} ({} minutes before its slot at {})",
                    appointment.id,
                    rules.local(opens_at),
                    rules.policy.check_in_before_minutes,
                    rules.local(appointment.starts_at)
                )));
            }
            CheckInWindow::Over => {
                return Err(QueueError::FailedPrecondition(format!(
                    "the slot of appointment {} ended at {}; it is a no-show and can no longer \
                     be checked in",
                    appointment.id,
                    rules.local(appointment.ends_at)
                )));
            }
        };
        let new = NewTicket {
            service: appointment.service.clone(),
            priority: if late {
                PriorityClass::Normal
            } else {
                PriorityClass::Appointment
            },
            channel: Channel::Kiosk,
            phone: Some(appointment.phone.clone()),
            idempotency_key: Some(ticket_key(&appointment)),
        };
        let (ticket, _) = self.queue.take_ticket(branch, new).await?;
        let ticket_id = ticket.ticket.id.to_string();
        let (appointment, replayed) =
            records::mark_checked_in(&self.db, &appointment.id, &ticket_id, now)
                .await
                .map_err(super::records_error)?;
        Ok(CheckedIn {
            appointment,
            ticket,
            late,
            message: if late { LATE } else { ON_TIME }.to_owned(),
            replayed,
        })
    }

    /// The answer of a check-in already done: its ticket as it is now.
    async fn replay(&self, appointment: Appointment) -> QueueResult<CheckedIn> {
        let ticket_id = appointment.ticket_id.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "appointment {} is checked in without a ticket",
                appointment.id
            )
        })?;
        let ticket = self
            .queue
            .get_ticket(TicketRef::parse("ticket_id", &ticket_id)?)
            .await?;
        let late = ticket.ticket.priority != PriorityClass::Appointment;
        Ok(CheckedIn {
            appointment,
            ticket,
            late,
            message: if late { LATE } else { ON_TIME }.to_owned(),
            replayed: true,
        })
    }
}
