//! DisplayService over real gRPC against the real service (issue 3's "Done when"): every test
//! of `display_suite/` runs once per store, named `<store>::<test>` (the conformance suite's
//! pattern), for example `redis::a_watcher_gets_the_board_then_every_event_in_order`. Tests that
//! only make sense on one store live in `display_suite::replicas`.

mod display_suite;

/// One `#[tokio::test]` per listed suite test, for one store.
macro_rules! display_tests {
    ($store:expr; $($module:ident :: $test:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                crate::display_suite::$module::$test($store).await
            }
        )*
    };
}

/// The display suite for one store, in a module named after the store.
macro_rules! display_suite {
    ($name:ident, $store:expr) => {
        mod $name {
            display_tests! { $store;
                ordered::a_watcher_gets_the_board_then_every_event_in_order,
                ordered::only_steps_that_change_the_board_publish_events,
                announce::announcements_spell_numbers_and_windows_and_say_recalls,
                snapshot::the_snapshot_shows_windows_waits_and_the_latest_calls_without_phones,
                resume::resuming_with_the_last_seen_id_replays_exactly_the_missed_events_then_goes_live,
                resume::resuming_with_an_id_older_than_the_retention_gets_a_fresh_snapshot,
                resume::resuming_with_an_id_above_the_last_gets_a_fresh_snapshot,
                slow::a_reader_that_never_reads_slows_neither_the_queue_nor_other_watchers,
                stop::open_watches_end_and_do_not_hold_up_a_graceful_stop,
                ticket::watch_ticket_counts_down_then_shows_the_window_and_ends_after_done,
                ticket::watch_ticket_of_an_ended_ticket_sends_it_once_and_ends,
                ticket::unknown_and_malformed_names_are_refused,
            }
        }
    };
}

display_suite!(embedded, queuecall_tests::StoreKind::Embedded);
display_suite!(redis, queuecall_tests::StoreKind::Redis);

/// Redis only: two replicas on one Redis.
mod replicas {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_display_on_one_replica_sees_every_call_made_on_the_other() -> anyhow::Result<()> {
        crate::display_suite::replicas::a_display_on_one_replica_sees_every_call_made_on_the_other()
            .await
    }
}
