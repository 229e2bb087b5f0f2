//! The pump against the real embedded store.

use std::time::Duration;

use tokio::sync::broadcast;

use super::*;
use crate::display::DisplaySettings;
use crate::display::test_fixture::{PATIENCE, fast, fixture, hall};

async fn recv(rx: &mut broadcast::Receiver<Published>) -> Published {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("a message in time")
        .expect("the channel is open")
}

#[tokio::test]
async fn the_pump_announces_its_head_then_publishes_each_event_once() {
    let f = fixture(DisplaySettings::default()).await;
    f.open(1).await;
    let (_closed_tx, closed) = watch::channel(false);
    let hub = Hub::new(Arc::clone(f.queue.store()), 8, fast(), closed);
    let branch = f.queue.hall().branch(&hall()).cloned().expect("branch");
    let mut rx = hub.subscribe(&branch);
    let mut other = hub.subscribe(&branch);
    assert_eq!(hub.pumps(), 1);
    assert!(matches!(recv(&mut rx).await, Published::Head(1)));
    assert!(matches!(recv(&mut other).await, Published::Head(1)));
    f.take("a").await;
    f.take("b").await;
    for rx in [&mut rx, &mut other] {
        let mut ids = Vec::new();
        while ids.len() < 2 {
            if let Published::Event(live) = recv(rx).await {
                assert_eq!(live.event.id, live.view.id);
                ids.push(live.event.id);
            }
        }
        assert_eq!(ids, [2, 3]);
    }
}

#[tokio::test]
async fn the_pump_stops_when_closed() {
    let f = fixture(DisplaySettings::default()).await;
    let (closed_tx, closed) = watch::channel(false);
    let hub = Hub::new(Arc::clone(f.queue.store()), 8, fast(), closed);
    let branch = f.queue.hall().branch(&hall()).cloned().expect("branch");
    let _rx = hub.subscribe(&branch);
    closed_tx.send_replace(true);
    let stopped = async {
        while hub.pumps() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(PATIENCE, stopped)
        .await
        .expect("the pump stops");
}
