//! What the kiosks, windows and booking desk did during the day, shared between their tasks:
//! the tickets, calls, transfers and endings the checks need, each operation's latencies and
//! the errors met. One lock, held for a push.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use super::check::{Ended, Issued};
use crate::bench::queue::micros;

/// The operations the report times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Book,
    TakeTicket,
    CheckIn,
    CallNext,
    StartService,
    CompleteService,
    MarkNoShow,
    Transfer,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Self::Book => "BookAppointment",
            Self::TakeTicket => "TakeTicket",
            Self::CheckIn => "CheckIn",
            Self::CallNext => "CallNext",
            Self::StartService => "StartService",
            Self::CompleteService => "CompleteService",
            Self::MarkNoShow => "MarkNoShow",
            Self::Transfer => "Transfer",
        }
    }
}

/// Errors kept word for word (the rest are only counted).
const KEPT_ERRORS: usize = 10;

#[derive(Debug, Default)]
pub struct Book {
    pub issued: Vec<Issued>,
    pub with_phone: HashSet<String>,
    pub calls: Vec<String>,
    pub empty_calls: u64,
    pub transfers: HashMap<String, u32>,
    pub ended: HashMap<String, Ended>,
    pub latencies: BTreeMap<Op, Vec<u64>>,
    pub errors: Vec<String>,
    pub error_count: u64,
}

/// The shared ledger: the book, and the count of tickets issued and not yet ended.
#[derive(Debug, Default)]
pub struct Ledger {
    book: Mutex<Book>,
    open: AtomicI64,
    issuing_over: AtomicBool,
}

impl Ledger {
    fn with<T>(&self, f: impl FnOnce(&mut Book) -> T) -> T {
        let mut book = self
            .book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut book)
    }

    pub fn timed(&self, op: Op, took: Duration) {
        self.with(|b| b.latencies.entry(op).or_default().push(micros(took)));
    }

    pub fn issued(&self, ticket: Issued, has_phone: bool) {
        self.open.fetch_add(1, Ordering::SeqCst);
        self.with(|b| {
            if has_phone {
                b.with_phone.insert(ticket.id.clone());
            }
            b.issued.push(ticket);
        });
    }

    /// Whether `ticket` left a phone, and how many times it was transferred.
    pub fn called(&self, ticket: &str) -> (bool, u32) {
        self.with(|b| {
            b.calls.push(ticket.to_owned());
            (
                b.with_phone.contains(ticket),
                b.transfers.get(ticket).copied().unwrap_or(0),
            )
        })
    }

    pub fn empty_call(&self) {
        self.with(|b| b.empty_calls += 1);
    }

    pub fn transferred(&self, ticket: &str) {
        self.with(|b| *b.transfers.entry(ticket.to_owned()).or_default() += 1);
    }

    pub fn ended(&self, ticket: &str, how: Ended) {
        self.open.fetch_sub(1, Ordering::SeqCst);
        self.with(|b| b.ended.insert(ticket.to_owned(), how));
    }

    pub fn error(&self, what: &str, status: &tonic::Status) {
        self.with(|b| {
            b.error_count += 1;
            if b.errors.len() < KEPT_ERRORS {
                b.errors
                    .push(format!("{what}: {:?} {}", status.code(), status.message()));
            }
        });
    }

    /// The kiosks and the booking desk have handed out every ticket they will.
    pub fn close_issuing(&self) {
        self.issuing_over.store(true, Ordering::SeqCst);
    }

    /// Every ticket is issued and ended: the windows may go home.
    pub fn day_over(&self) -> bool {
        self.issuing_over.load(Ordering::SeqCst) && self.open.load(Ordering::SeqCst) <= 0
    }

    pub fn take(&self) -> Book {
        self.with(std::mem::take)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ticket(n: u32) -> Issued {
        Issued {
            id: format!("b.A{n:03}"),
            number: format!("A{n:03}"),
            service: "a".to_owned(),
        }
    }

    #[test]
    fn the_day_is_over_only_when_issuing_closed_and_every_ticket_ended() {
        let ledger = Ledger::default();
        assert!(!ledger.day_over());
        ledger.issued(ticket(1), true);
        ledger.issued(ticket(2), false);
        ledger.close_issuing();
        assert!(!ledger.day_over());
        ledger.ended("b.A001", Ended::Done);
        assert!(!ledger.day_over());
        ledger.ended("b.A002", Ended::NoShow);
        assert!(ledger.day_over());
    }

    #[test]
    fn a_call_reports_the_phone_and_the_transfers_so_far() {
        let ledger = Ledger::default();
        ledger.issued(ticket(1), true);
        ledger.issued(ticket(2), false);
        assert_eq!(ledger.called("b.A001"), (true, 0));
        ledger.transferred("b.A002");
        assert_eq!(ledger.called("b.A002"), (false, 1));
        let book = ledger.take();
        assert_eq!(book.calls, ["b.A001", "b.A002"]);
    }

    #[test]
    fn errors_are_counted_and_the_first_few_kept() {
        let ledger = Ledger::default();
        for _ in 0..25 {
            ledger.error("CallNext", &tonic::Status::unavailable("down"));
        }
        let book = ledger.take();
        assert_eq!(book.error_count, 25);
        assert_eq!(book.errors.len(), KEPT_ERRORS);
        assert!(book.errors[0].contains("Unavailable"), "{}", book.errors[0]);
    }
}
