use std::sync::Arc;

use super::*;
use crate::display::DisplaySettings;
use crate::display::test_fixture::{fixture, hall, next};

fn decode(bytes: &Bytes) -> pb::WatchBranchResponse {
    pb::WatchBranchResponse::decode(bytes.as_ref()).expect("a WatchBranchResponse")
}

#[tokio::test]
async fn every_watcher_sends_the_same_bytes_of_a_live_event_and_they_are_its_message() {
    let f = fixture(DisplaySettings::default()).await;
    let layout = f.queue.hall().branch(&hall()).cloned().expect("branch");
    let mut one = f
        .display
        .watch_branch_shared(&hall(), None)
        .await
        .expect("watch");
    let mut two = f
        .display
        .watch_branch_shared(&hall(), None)
        .await
        .expect("watch");
    let snapshot = next(&mut one).await;
    next(&mut two).await;
    let Watched::Item(board) = snapshot.clone() else {
        panic!("a snapshot first, got {snapshot:?}");
    };
    assert_eq!(
        decode(&encode(&layout, snapshot)),
        display_convert::watch_item(&layout, &board)
    );

    f.open(1).await;
    let (Watched::Live(first), Watched::Live(second)) =
        (next(&mut one).await, next(&mut two).await)
    else {
        panic!("live events");
    };
    assert!(Arc::ptr_eq(&first, &second), "one event for both watchers");
    let sent_one = encode(&layout, Watched::Live(Arc::clone(&first)));
    let sent_two = encode(&layout, Watched::Live(Arc::clone(&second)));
    assert_eq!(sent_one.as_ptr(), sent_two.as_ptr(), "encoded once, shared");
    let expected = display_convert::watch_item(&layout, &Watched::Live(first).into_item());
    assert_eq!(decode(&sent_one), expected);
}
