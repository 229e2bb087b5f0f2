//! Assertions on gRPC answers.

use std::fmt::Debug;

use queuecall_proto::v1::Ticket;
use tonic::{Code, Status};

/// Asserts that `result` failed with `code` and a message holding every one of `needles`
/// (case-sensitive), and returns the status for further checks.
#[track_caller]
pub fn assert_status<T: Debug>(result: Result<T, Status>, code: Code, needles: &[&str]) -> Status {
    let status = match result {
        Ok(value) => panic!("expected {code:?} containing {needles:?}, got success: {value:?}"),
        Err(status) => status,
    };
    assert_eq!(
        status.code(),
        code,
        "expected {code:?}, got {:?}: {}",
        status.code(),
        status.message()
    );
    for needle in needles {
        assert!(
            status.message().contains(needle),
            "the {code:?} message should name {needle:?}: {}",
            status.message()
        );
    }
    status
}

/// The ticket of an answer that must carry one.
#[track_caller]
pub fn ticket_of(ticket: Option<Ticket>) -> Ticket {
    ticket.expect("the answer carries the ticket")
}
