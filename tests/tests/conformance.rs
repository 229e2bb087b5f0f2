//! The store conformance suite (quickwit's `metastore_test_suite!` pattern): every test of
//! `suite/` runs once per store, named `<store>::<test>`, for example
//! `redis::call_next_never_hands_one_ticket_to_two_windows`; the stores are the embedded one,
//! the test Redis, and a Redis Cluster of three masters the test binary starts (`redis_cluster::`).
//! Each test starts the real
//! service on port 0 with a store of its own (a temp SQLite file, or a key prefix of its own
//! in the test Redis) and drives it through gRPC.

mod suite;

/// One `#[tokio::test]` per listed suite test, for one store.
macro_rules! store_tests {
    ($store:expr; $($module:ident :: $test:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                crate::suite::$module::$test($store).await
            }
        )*
    };
}

/// The whole suite for one store, in a module named after the store.
macro_rules! conformance_suite {
    ($name:ident, $store:expr) => {
        mod $name {
            store_tests! { $store;
                concurrency::call_next_never_hands_one_ticket_to_two_windows,
                concurrency::racing_call_ticket_hands_a_ticket_to_one_window_only,
                concurrency::concurrent_retries_of_one_idempotency_key_issue_one_ticket,
                concurrency::concurrent_takes_at_the_daily_limit_issue_exactly_the_limit,
                day_end::waiting_tickets_expire_when_the_service_day_ends,
                day_end::nothing_from_yesterday_can_be_called,
                day_end::a_ticket_held_at_midnight_can_still_be_finished,
                day_end::yesterdays_missed_ticket_cannot_be_requeued,
                history::every_final_transition_appends_its_entry_in_the_same_step,
                history::a_transfer_ends_the_leg_and_the_next_leg_starts_at_the_transfer,
                history::a_requeued_no_show_ends_its_leg_again_with_a_higher_requeue_count,
                history::refused_steps_append_no_history,
                history::ack_removes_exactly_the_acknowledged_entries,
                illegal::cancel_is_refused_unless_the_ticket_waits,
                illegal::call_ticket_is_refused_unless_the_ticket_waits,
                illegal::requeue_is_refused_for_waiting_serving_and_ended_tickets,
                illegal::window_steps_need_a_held_ticket_in_the_right_state,
                inputs::take_ticket_rejects_empty_and_over_long_names_naming_the_field,
                inputs::take_ticket_rejects_malformed_phones_and_unknown_enum_numbers,
                inputs::take_ticket_rejects_bad_idempotency_keys,
                inputs::malformed_ticket_ids_are_invalid_arguments_naming_ticket_id,
                inputs::window_zero_and_over_long_reasons_are_invalid_arguments,
                inputs::unknown_branches_services_windows_and_tickets_are_not_found,
                inputs::empty_names_in_other_requests_are_invalid_arguments,
                lifecycle::a_ticket_goes_from_called_to_serving_to_done,
                lifecycle::recall_counts_up_to_the_services_limit,
                lifecycle::no_show_ends_a_called_ticket_and_frees_the_window,
                lifecycle::requeue_brings_a_missed_ticket_back_two_places_from_the_front,
                lifecycle::requeue_of_a_called_ticket_lets_its_window_go,
                lifecycle::requeue_with_few_waiting_goes_to_the_end_and_is_limited,
                lifecycle::transfer_keeps_the_tickets_place_in_time_and_its_original_service,
                lifecycle::transfer_to_the_front_puts_the_ticket_first_in_the_target,
                reminders::turn_near_fires_once_at_the_threshold_as_tickets_are_called,
                reminders::requeued_and_transferred_tickets_are_reminded_once,
                reminders::refused_steps_and_recalls_append_no_reminders,
                reminders::every_call_of_a_ticket_is_reminded_under_its_own_number,
                reminders::a_recall_is_reminded_only_with_remind_on_recall,
                reminders::a_retried_call_appends_no_second_intent,
                routing::inside_a_service_priority_classes_go_first_in_the_services_order,
                routing::strict_order_calls_the_windows_first_service_before_older_tickets,
                routing::oldest_first_calls_the_earliest_ticket_across_services,
                routing::oldest_first_still_calls_priority_classes_before_older_normal_tickets,
                routing::ratio_one_priority_to_two_normal_never_starves_normal_tickets,
                routing::ratio_calls_the_other_kind_when_the_wanted_kind_is_not_waiting,
                routing::call_ticket_calls_one_waiting_ticket_out_of_order,
                taking::take_ticket_issues_a001_then_a002_as_waiting_tickets,
                taking::each_service_and_each_branch_counts_its_own_numbers,
                taking::unspecified_priority_and_channel_mean_normal_and_api,
                taking::an_idempotency_key_replays_the_same_ticket_without_using_a_number,
                taking::an_idempotency_key_is_scoped_to_the_service_day,
                taking::the_daily_limit_answers_resource_exhausted_with_a_readable_message,
                taking::numbers_restart_at_midnight_in_shanghai_not_at_utc_midnight,
                taking::get_ticket_takes_the_short_id_for_todays_number,
                taking::phones_are_only_ever_returned_masked,
                taking::cancel_ends_a_waiting_ticket_and_takes_it_out_of_the_queue,
                waits::people_ahead_counts_the_waiting_tickets_in_front,
                waits::the_wait_falls_back_to_the_seed_and_divides_by_open_windows,
                waits::the_wait_follows_measured_service_times,
                waits::a_ticket_that_is_not_waiting_has_no_wait,
                windows::get_branch_shows_the_layout_with_every_window_closed,
                windows::open_pause_and_close_move_a_window_between_states,
                windows::a_closed_or_paused_window_cannot_call,
                windows::a_window_holding_a_ticket_cannot_call_again_or_close,
                windows::a_paused_window_keeps_its_ticket_but_cannot_recall_it,
                windows::get_branch_shows_the_ticket_each_window_holds,
            }
        }
    };
}

conformance_suite!(embedded, queuecall_tests::StoreKind::Embedded);
conformance_suite!(redis, queuecall_tests::StoreKind::Redis);
conformance_suite!(redis_cluster, queuecall_tests::StoreKind::RedisCluster);
