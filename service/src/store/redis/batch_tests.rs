//! The lane's choice of what goes together; the batches themselves run against a real Redis
//! in the store's suites (conformance, smoke_tickets).

use super::*;

fn waiting(near: &str) -> (Waiting, oneshot::Receiver<QueueResult<Value>>) {
    let (answer, answered) = oneshot::channel();
    let op = Op {
        near: near.to_owned(),
        kind: Kind::Take,
        args: Vec::new(),
    };
    (Waiting { op, answer }, answered)
}

#[test]
fn a_batch_takes_the_first_waiting_and_those_after_it_with_the_same_thresholds() {
    let mut queue: Vec<Waiting> = ["a", "a", "b", "a"].iter().map(|n| waiting(n).0).collect();
    let batch = next_batch(&mut queue);
    assert_eq!(batch.len(), 2);
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0].op.near, "b");
    let batch = next_batch(&mut queue);
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].op.near, "b");
}

#[test]
fn a_batch_holds_at_most_max_batch_steps() {
    let mut queue: Vec<Waiting> = (0..MAX_BATCH + 5).map(|_| waiting("a").0).collect();
    assert_eq!(next_batch(&mut queue).len(), MAX_BATCH);
    assert_eq!(queue.len(), 5);
}

#[test]
fn a_failed_call_answers_every_step_with_the_same_kind_of_error() {
    let (first, mut first_answer) = waiting("a");
    let (second, mut second_answer) = waiting("a");
    answer_all(
        vec![first, second],
        &QueueError::Unavailable("redis: connection refused".into()),
    );
    for answered in [&mut first_answer, &mut second_answer] {
        match answered.try_recv() {
            Ok(Err(QueueError::Unavailable(message))) => {
                assert_eq!(message, "redis: connection refused");
            }
            other => panic!("expected UNAVAILABLE, got {other:?}"),
        }
    }
}
