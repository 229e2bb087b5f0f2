//! The history façade the gRPC adapter calls: statistics over the records, and ratings of
//! served tickets.

use std::sync::Arc;

use crate::domain::{BranchId, DateRange, TicketId, TicketRef, TicketState};
use crate::error::{QueueError, QueueResult};
use crate::queue::Queue;
use crate::records::{Db, history as records};
use crate::store::Outcome;

use super::figures::{Accumulator, Group, Statistics};
use super::rating::{Rating, Scores};

/// The longest range of service days one statistics call covers.
pub const MAX_RANGE_DAYS: i64 = 366;

/// Statistics and ratings over the records database, with the live queue to check tickets.
pub struct History {
    db: Db,
    queue: Arc<Queue>,
}

impl History {
    pub fn new(db: Db, queue: Arc<Queue>) -> Self {
        Self { db, queue }
    }

    /// The figures of the branch's service days in `range`, grouped by `group`.
    #[tracing::instrument(skip(self), fields(branch = %branch))]
    pub async fn statistics(
        &self,
        branch: &BranchId,
        range: DateRange,
        group: Group,
    ) -> QueueResult<Statistics> {
        let hall = self.queue.hall();
        let layout = hall
            .branch(branch)
            .ok_or_else(|| QueueError::not_found("branch", branch))?;
        let ratings = records::ratings_between(&self.db, branch, range.from, range.to)
            .await
            .map_err(records::db_error)?;
        let mut figures = Accumulator::new(group, layout.time_zone, &ratings);
        records::for_each_between(&self.db, branch, range.from, range.to, |entry| {
            figures.add(&entry);
        })
        .await
        .map_err(records::db_error)?;
        Ok(figures.finish())
    }

    /// Rates a served ticket once. NOT_FOUND for a ticket never issued; FAILED_PRECONDITION
    /// unless it is DONE (live, or in the history once the live store no longer has it);
    /// ALREADY_EXISTS when it was rated before.
    #[tracing::instrument(skip(self, scores, comment), fields(ticket = %ticket.number))]
    pub async fn rate(
        &self,
        ticket: TicketRef,
        scores: Scores,
        comment: String,
    ) -> QueueResult<Rating> {
        let id = self.served(ticket).await?;
        let rating = Rating {
            ticket: id,
            scores,
            comment,
            rated_at: self.queue.clock().now(),
        };
        let stored = records::rate(&self.db, &rating)
            .await
            .map_err(records::db_error)?;
        if !stored {
            return Err(QueueError::AlreadyExists(format!(
                "ticket {} has been rated already; a ticket is rated once",
                rating.ticket.number
            )));
        }
        tracing::info!(ticket = %rating.ticket, overall = scores.overall, "ticket rated");
        Ok(rating)
    }

    /// The full id of a DONE ticket, or why it cannot be rated.
    async fn served(&self, ticket: TicketRef) -> QueueResult<TicketId> {
        let branch = ticket.branch.clone();
        let number = ticket.number.clone();
        match self.queue.get_ticket(ticket.clone()).await {
            Ok(info) if info.ticket.state == TicketState::Done => Ok(info.ticket.id),
            Ok(info) => Err(not_served(&number, info.ticket.state.as_str())),
            Err(QueueError::NotFound { what: "ticket", .. }) => {
                let day = match ticket.day {
                    Some(day) => day,
                    None => {
                        let hall = self.queue.hall();
                        let layout = hall
                            .branch(&branch)
                            .ok_or_else(|| QueueError::not_found("branch", &branch))?;
                        layout.now(self.queue.clock().now()).day
                    }
                };
                let id = ticket.on(day);
                let legs = records::legs_of(&self.db, &id)
                    .await
                    .map_err(records::db_error)?;
                match legs.last() {
                    None => Err(QueueError::not_found("ticket", &id)),
                    Some(_) if legs.iter().any(|l| l.outcome == Outcome::Done) => Ok(id),
                    Some(last) => Err(not_served(&number, last.outcome.as_str())),
                }
            }
            Err(other) => Err(other),
        }
    }
}

fn not_served(number: &crate::domain::TicketNumber, state: &str) -> QueueError {
    QueueError::FailedPrecondition(format!(
        "ticket {number} is {state}; only a DONE (served) ticket can be rated"
    ))
}
