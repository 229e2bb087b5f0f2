//! The SMS an appointment's writes leave in the outbox, inside the write's own transaction
//! (so a booking that rolls back leaves no message, and one that commits cannot lose it):
//!
//! - a booking: "booking confirmed" at once, and "appointment soon" `lead` before the slot
//!   (none when that instant has passed already: the confirmation just said when);
//! - a cancellation: the pending confirmation and reminder are cancelled, "booking
//!   cancelled" goes out;
//! - a move: the old slot's pending confirmation and reminder are cancelled, the new slot
//!   gets both.
//!
//! Subjects: `<appointment id>@<slot id>` for the confirmation and the reminder (a moved
//! appointment keeps its id, and the outbox's UNIQUE (subject, kind) must let the new slot
//! have its own), `<appointment id>` for the cancellation (it happens once). The worker checks
//! an appointment-soon again before sending it: still BOOKED, in that slot.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;

use crate::domain::{BranchId, Phone};
use crate::records::outbox::{self, NewSms, OutboxConn, SmsKind};
use crate::sms::templates::{Fill, Kind, Templates};

/// What an appointment's messages need beyond the appointment: the templates, the names the
/// citizen knows the branch and the service by, and the reminder's lead.
#[derive(Debug, Clone)]
pub struct Notice {
    pub templates: Arc<Templates>,
    pub branch_name: String,
    pub service_name: String,
    /// How long before the slot "appointment soon" goes out.
    pub lead: Duration,
}

/// The appointment a message is about, in the slot it is (or was) in.
pub(super) struct About<'a> {
    pub id: &'a str,
    pub slot_id: &'a str,
    pub branch: &'a BranchId,
    pub code: &'a str,
    pub phone: &'a Phone,
    pub starts_at: DateTime<Utc>,
    pub tz: Tz,
}

impl About<'_> {
    fn in_slot(&self) -> String {
        format!("{}@{}", self.id, self.slot_id)
    }
}

/// The kind as the templates name it.
fn template_kind(kind: SmsKind) -> Kind {
    match kind {
        SmsKind::TurnNear => Kind::TurnNear,
        SmsKind::Called => Kind::Called,
        SmsKind::BookingConfirmed => Kind::BookingConfirmed,
        SmsKind::AppointmentSoon => Kind::AppointmentSoon,
        SmsKind::BookingCancelled => Kind::BookingCancelled,
    }
}

impl Notice {
    fn sms(&self, kind: SmsKind, subject: String, about: &About<'_>, at: DateTime<Utc>) -> NewSms {
        let local = about.starts_at.with_timezone(&about.tz);
        let fill = Fill {
            service: self.service_name.clone(),
            branch: self.branch_name.clone(),
            date: format!("{}年{}月{}日", local.year(), local.month(), local.day()),
            time: local.format("%H:%M").to_string(),
            code: about.code.to_owned(),
            ..Fill::default()
        };
        NewSms {
            subject,
            kind,
            branch: about.branch.clone(),
            phone: about.phone.clone(),
            body: self
                .templates
                .render(about.branch.as_str(), template_kind(kind), &fill),
            urgent: kind.urgent(),
            not_before: at,
        }
    }

    /// A booking (or the new slot of a move): confirmed now, reminded `lead` before.
    pub(super) async fn booked_in<C: OutboxConn + ?Sized>(
        &self,
        conn: &mut C,
        about: &About<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let confirmed = self.sms(SmsKind::BookingConfirmed, about.in_slot(), about, now);
        outbox::enqueue_in(conn, &confirmed, now).await?;
        let remind_at = about.starts_at - self.lead;
        if remind_at > now {
            let soon = self.sms(SmsKind::AppointmentSoon, about.in_slot(), about, remind_at);
            outbox::enqueue_in(conn, &soon, now).await?;
        }
        Ok(())
    }

    /// Leaving a slot: its pending confirmation and reminder are cancelled.
    pub(super) async fn left_in<C: OutboxConn + ?Sized>(
        &self,
        conn: &mut C,
        about: &About<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let subject = about.in_slot();
        outbox::cancel_in(conn, &subject, SmsKind::AppointmentSoon, now).await?;
        outbox::cancel_in(conn, &subject, SmsKind::BookingConfirmed, now).await?;
        Ok(())
    }

    /// A cancellation: the slot left, and the citizen told.
    pub(super) async fn cancelled_in<C: OutboxConn + ?Sized>(
        &self,
        conn: &mut C,
        about: &About<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.left_in(conn, about, now).await?;
        let cancelled = self.sms(SmsKind::BookingCancelled, about.id.to_owned(), about, now);
        outbox::enqueue_in(conn, &cancelled, now).await?;
        Ok(())
    }
}
