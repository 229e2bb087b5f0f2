//! The ticket watch against the real embedded store.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;

use crate::display::DisplaySettings;
use crate::display::test_fixture::{fixture, next, silent};
use crate::domain::{TicketRef, TicketState};
use crate::error::{QueueError, QueueResult};
use crate::queue::{TicketInfo, WindowStep};

type Infos = BoxStream<'static, QueueResult<TicketInfo>>;

fn reference(info: &TicketInfo) -> TicketRef {
    TicketRef::parse("ticket_id", &info.ticket.id.to_string()).expect("ticket id")
}

/// Reads updates until one satisfies `want`; each differs from the one before.
async fn until(stream: &mut Infos, sent: &mut TicketInfo, want: impl Fn(&TicketInfo) -> bool) {
    loop {
        let info = next(stream).await.expect("no error");
        assert_ne!(&info, sent, "only changes are sent");
        *sent = info;
        if want(sent) {
            return;
        }
    }
}

#[tokio::test]
async fn a_ticket_is_followed_from_waiting_to_done_and_the_watch_ends() {
    let f = fixture(DisplaySettings::default()).await;
    f.open(1).await;
    f.take("a").await;
    f.take("a").await;
    let mine = f.take("a").await;
    let mut stream = f
        .display
        .watch_ticket(reference(&mine))
        .await
        .expect("watch");
    let mut sent = next(&mut stream).await.expect("the ticket at once");
    assert_eq!(sent.ticket.state, TicketState::Waiting);
    assert_eq!(sent.people_ahead, 2);
    assert_eq!(sent.estimated_wait, Duration::from_secs(120));

    f.call(1).await;
    let update = next(&mut stream).await.expect("no error");
    assert_eq!(
        (update.ticket.state, update.people_ahead),
        (TicketState::Waiting, 1)
    );
    sent = update;

    // Another service's queue does not concern this ticket.
    let other = f.take("b").await;
    f.queue
        .cancel_ticket(reference(&other))
        .await
        .expect("cancel");
    silent(&mut stream, Duration::from_millis(400)).await;

    f.step(1, WindowStep::Start).await;
    f.step(1, WindowStep::Complete).await;
    f.call(1).await;
    until(&mut stream, &mut sent, |i| i.people_ahead == 0).await;
    f.step(1, WindowStep::Start).await;
    f.step(1, WindowStep::Complete).await;
    f.call(1).await;
    until(&mut stream, &mut sent, |i| {
        i.ticket.state == TicketState::Called
    })
    .await;
    assert_eq!(sent.ticket.window.map(|w| w.get()), Some(1));
    f.step(1, WindowStep::Recall).await;
    until(&mut stream, &mut sent, |i| i.ticket.recall_count == 1).await;
    f.step(1, WindowStep::Start).await;
    until(&mut stream, &mut sent, |i| {
        i.ticket.state == TicketState::Serving
    })
    .await;
    f.step(1, WindowStep::Complete).await;
    until(&mut stream, &mut sent, |i| {
        i.ticket.state == TicketState::Done
    })
    .await;
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(
        matches!(end, Ok(None)),
        "the watch ends after DONE: {end:?}"
    );
}

#[tokio::test]
async fn a_ticket_already_final_is_sent_once() {
    let f = fixture(DisplaySettings::default()).await;
    let taken = f.take("b").await;
    f.queue
        .cancel_ticket(reference(&taken))
        .await
        .expect("cancel");
    let mut stream = f
        .display
        .watch_ticket(reference(&taken))
        .await
        .expect("watch");
    let only = next(&mut stream).await.expect("no error");
    assert_eq!(only.ticket.state, TicketState::Cancelled);
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(matches!(end, Ok(None)), "{end:?}");
}

#[tokio::test]
async fn a_cancelled_ticket_ends_its_watch() {
    let f = fixture(DisplaySettings::default()).await;
    let taken = f.take("a").await;
    let mut stream = f
        .display
        .watch_ticket(reference(&taken))
        .await
        .expect("watch");
    let mut sent = next(&mut stream).await.expect("no error");
    f.queue
        .cancel_ticket(reference(&taken))
        .await
        .expect("cancel");
    until(&mut stream, &mut sent, |i| {
        i.ticket.state == TicketState::Cancelled
    })
    .await;
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(matches!(end, Ok(None)), "{end:?}");
}

#[tokio::test]
async fn an_unknown_ticket_is_not_found() {
    let f = fixture(DisplaySettings::default()).await;
    let unknown = TicketRef::parse("ticket_id", "hall.A999").expect("ref");
    let err = f.display.watch_ticket(unknown).await.err();
    assert!(matches!(err, Some(QueueError::NotFound { .. })), "{err:?}");
}
