//! Appointments as the rest of the program sees them: resolves slot ids against the hall's
//! layout (the branch's calendar and the service's slot template), takes the time from the
//! queue's clock, judges every write by the service's [`BookingPolicy`], keeps the records in
//! `records::appointments`, and turns a check-in into a ticket through the [`Queue`]. It knows
//! nothing of gRPC.

mod check_in;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::booking::{SlotId, SlotInstance, slots_for};
use crate::domain::identity::{CitizenName, CreditCode, IdHasher, ResidentId};
use crate::domain::{BranchId, Phone, ServiceId};
use crate::error::{QueueError, QueueResult};
use crate::hall::{BookingPolicy, Branch, ServiceAppointments};
use crate::queue::Queue;
use crate::records::Db;
use crate::records::appointments::{
    self as records, Appointment, BookRequest, Booked, Notice, Rescheduled, Rules,
};
use crate::sms::templates::Templates;

pub use check_in::{CheckInBy, CheckedIn};

/// A records error as the caller should see it: a database out of reach is UNAVAILABLE
/// (retry later), anything else unexpected INTERNAL.
fn records_error(err: QueueError) -> QueueError {
    match err {
        QueueError::Internal(cause) => crate::records::db_error(cause),
        other => other,
    }
}

/// A slot with its seats, as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotView {
    pub id: SlotId,
    pub slot: SlotInstance,
    /// The stored capacity once the slot has been booked, else the template's.
    pub capacity: u32,
    pub remaining: u32,
}

/// What a booking asks for, parsed.
#[derive(Debug, Clone)]
pub struct BookInput {
    pub slot: SlotId,
    pub name: CitizenName,
    pub phone: Phone,
    pub resident_id: ResidentId,
    pub credit_code: Option<CreditCode>,
    /// Checked by the records layer (1–128 visible ASCII characters).
    pub idempotency_key: String,
}

/// The appointment service of every branch of the hall.
pub struct Appointments {
    db: Db,
    queue: Arc<Queue>,
    hasher: IdHasher,
    /// The SMS templates and the lead of the appointment-soon reminder; none: no SMS.
    reminders: Option<(Arc<Templates>, chrono::Duration)>,
}

impl Appointments {
    pub fn new(db: Db, queue: Arc<Queue>, hasher: IdHasher) -> Self {
        Self {
            db,
            queue,
            hasher,
            reminders: None,
        }
    }

    /// Books, cancels and reschedules with their SMS (booking confirmed, appointment soon
    /// `lead` before the slot, booking cancelled) written to the outbox in the same
    /// transaction.
    pub fn with_reminders(mut self, templates: Arc<Templates>, lead: chrono::Duration) -> Self {
        self.reminders = Some((templates, lead));
        self
    }

    fn now(&self) -> DateTime<Utc> {
        self.queue.clock().now()
    }

    fn branch(&self, id: &BranchId) -> QueueResult<Arc<Branch>> {
        self.queue
            .hall()
            .branch(id)
            .cloned()
            .ok_or_else(|| QueueError::not_found("branch", id))
    }

    /// The branch's time zone; UTC for a branch no longer in the layout.
    pub fn zone(&self, branch: &BranchId) -> Tz {
        self.queue
            .hall()
            .branch(branch)
            .map_or(Tz::UTC, |b| b.time_zone)
    }

    /// The appointment settings of a service: NOT_FOUND for an unknown service,
    /// FAILED_PRECONDITION naming it when it takes no appointments.
    fn booking(branch: &Branch, service: &ServiceId) -> QueueResult<ServiceAppointments> {
        let found = branch
            .service(service)
            .ok_or_else(|| QueueError::NotFound {
                what: "service",
                name: format!("{service}' in branch '{}", branch.id),
            })?;
        found.appointments.clone().ok_or_else(|| {
            QueueError::FailedPrecondition(format!(
                "service '{service}' ({}) of branch '{}' takes no appointments",
                found.name, branch.id
            ))
        })
    }

    /// The SMS of an appointment's writes at `branch` for `service`; none without reminders.
    /// A branch or service no longer in the layout goes by its id.
    fn notice(&self, branch: &BranchId, service: &ServiceId) -> Option<Arc<Notice>> {
        let (templates, lead) = self.reminders.as_ref()?;
        let hall = self.queue.hall();
        let layout = hall.branch(branch);
        Some(Arc::new(Notice {
            templates: Arc::clone(templates),
            branch_name: layout.map_or_else(|| branch.to_string(), |b| b.name.clone()),
            service_name: layout
                .and_then(|b| b.service(service))
                .map_or_else(|| service.to_string(), |s| s.name.clone()),
            lead: *lead,
        }))
    }

    /// The rules of a service now; the default policy for a service no longer bookable (its
    /// existing appointments can still be cancelled and checked in).
    fn rules(&self, branch: &Branch, service: &ServiceId) -> Rules {
        let policy = branch
            .service(service)
            .and_then(|s| s.appointments.as_ref())
            .map_or_else(BookingPolicy::default, |a| a.policy);
        Rules {
            policy,
            now: self.now(),
            tz: branch.time_zone,
        }
    }

    /// The slots of a service on the local dates `from..=to` with their free seats: only the
    /// bookable ones with a free seat, unless `include_unavailable`.
    pub async fn list_slots(
        &self,
        branch: &BranchId,
        service: &ServiceId,
        from: NaiveDate,
        to: NaiveDate,
        include_unavailable: bool,
    ) -> QueueResult<Vec<SlotView>> {
        let layout = self.branch(branch)?;
        let settings = Self::booking(&layout, service)?;
        let slots = slots_for(
            &settings.template,
            &layout.calendar,
            layout.time_zone,
            from,
            to,
            self.now(),
        )?;
        let seats = records::seats(&self.db, branch, service, from, to)
            .await
            .map_err(records_error)?;
        Ok(slots
            .into_iter()
            .map(|slot| {
                let id = slot.id(branch, service);
                let (capacity, remaining) = match seats.get(&id.to_string()) {
                    Some(s) => (s.capacity, s.remaining()),
                    None => (slot.capacity, slot.capacity),
                };
                SlotView {
                    id,
                    slot,
                    capacity,
                    remaining,
                }
            })
            .filter(|v| include_unavailable || (v.slot.bookable && v.remaining > 0))
            .collect())
    }

    /// The slot `id` names, as the layout yields it now: NOT_FOUND when the branch, the
    /// service or the slot (a closed day, a time the template has no slot at) does not exist.
    fn slot(&self, id: &SlotId) -> QueueResult<(Arc<Branch>, SlotInstance)> {
        let layout = self.branch(id.branch())?;
        let settings = Self::booking(&layout, id.service())?;
        let slots = slots_for(
            &settings.template,
            &layout.calendar,
            layout.time_zone,
            id.date(),
            id.date(),
            self.now(),
        )?;
        let slot = slots
            .into_iter()
            .find(|s| s.local_start == id.start())
            .ok_or_else(|| QueueError::not_found("slot", id))?;
        Ok((layout, slot))
    }

    /// Books a seat (see `records::appointments::book`).
    pub async fn book(&self, input: BookInput) -> QueueResult<Booked> {
        let (layout, slot) = self.slot(&input.slot)?;
        let rules = self.rules(&layout, input.slot.service());
        records::book(
            &self.db,
            BookRequest {
                branch: input.slot.branch().clone(),
                service: input.slot.service().clone(),
                slot,
                name: input.name,
                phone: input.phone,
                resident_id: input.resident_id,
                hasher: self.hasher.clone(),
                credit_code: input.credit_code,
                idempotency_key: input.idempotency_key,
                rules,
                notice: self.notice(input.slot.branch(), input.slot.service()),
            },
        )
        .await
        .map_err(records_error)
    }

    /// Cancels a booked appointment, not later than its service's deadline.
    pub async fn cancel(&self, id: &str) -> QueueResult<Appointment> {
        let appointment = records::get(&self.db, id).await.map_err(records_error)?;
        let rules = self.rules_of(&appointment);
        let notice = self.notice(&appointment.branch, &appointment.service);
        records::cancel(&self.db, id, &rules, notice.as_deref())
            .await
            .map_err(records_error)
    }

    /// Moves a booked appointment to `slot` of the same service, atomically.
    pub async fn reschedule(&self, id: &str, slot: &SlotId) -> QueueResult<Rescheduled> {
        let appointment = records::get(&self.db, id).await.map_err(records_error)?;
        if slot.branch() != &appointment.branch || slot.service() != &appointment.service {
            return Err(QueueError::FailedPrecondition(format!(
                "slot {slot} is not of the appointment's service ({}.{}); an appointment can \
                 only move within its service",
                appointment.branch, appointment.service
            )));
        }
        let (layout, instance) = self.slot(slot)?;
        let rules = self.rules(&layout, slot.service());
        let notice = self.notice(slot.branch(), slot.service());
        records::reschedule(
            &self.db,
            id,
            slot.branch(),
            slot.service(),
            &instance,
            &rules,
            notice.as_deref(),
        )
        .await
        .map_err(records_error)
    }

    pub async fn get(&self, id: &str) -> QueueResult<Appointment> {
        records::get(&self.db, id).await.map_err(records_error)
    }

    /// The appointments of one person, newest slot first; only `branch`'s when given.
    pub async fn list_for_person(
        &self,
        person: &ResidentId,
        branch: Option<&BranchId>,
    ) -> QueueResult<Vec<Appointment>> {
        records::list_for_person(&self.db, &self.hasher.hash(person), branch)
            .await
            .map_err(records_error)
    }

    /// Marks appointments whose slot ended unchecked NO_SHOW; run every minute.
    pub async fn sweep_no_shows(&self) -> QueueResult<u64> {
        records::sweep_no_shows(&self.db, self.now())
            .await
            .map_err(records_error)
    }

    /// The rules of an appointment's service, in its branch's zone.
    fn rules_of(&self, appointment: &Appointment) -> Rules {
        match self.queue.hall().branch(&appointment.branch) {
            Some(layout) => self.rules(layout, &appointment.service),
            None => Rules {
                policy: BookingPolicy::default(),
                now: self.now(),
                tz: Tz::UTC,
            },
        }
    }
}
