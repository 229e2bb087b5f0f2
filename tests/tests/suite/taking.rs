//! TakeTicket, GetTicket, ListWaiting and CancelTicket: numbering, idempotency, daily limits,
//! masked phones.

use queuecall_tests::v1::{Channel, PriorityClass, TakeTicketRequest, TicketState};
use queuecall_tests::*;

pub async fn take_ticket_issues_a001_then_a002_as_waiting_tickets(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let first = app.take(SOCIAL).await?;
    let second = app.take(SOCIAL).await?;

    assert_eq!(first.number, "A001");
    assert_eq!(first.id, "test-centre.20261127.A001");
    assert_eq!(first.branch_id, BRANCH);
    assert_eq!(first.service_id, SOCIAL);
    assert_eq!(first.state(), TicketState::Waiting);
    assert_eq!(first.service_day, "2026-11-27");
    assert_eq!(first.people_ahead, 0);
    assert_eq!(first.window, 0);
    assert_eq!(first.original_service_id, "");
    let issued = seconds(first.issued_at.as_ref());
    assert_eq!(issued, Some(start_of_test_day().timestamp()));
    assert_eq!(second.number, "A002");
    assert_eq!(second.people_ahead, 1);
    assert_eq!(app.get(&first.id).await?, first);
    Ok(())
}

pub async fn each_service_and_each_branch_counts_its_own_numbers(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let a1 = app.take(SOCIAL).await?;
    let b1 = app.take(TAX).await?;
    let a2 = app.take(SOCIAL).await?;
    let hd1 = app.take(HOUSING).await?;
    let village = app
        .take_with(TakeTicketRequest {
            branch_id: VILLAGE.into(),
            service_id: "general".into(),
            ..TakeTicketRequest::default()
        })
        .await?;

    assert_eq!([a1.number, b1.number, a2.number], ["A001", "B001", "A002"]);
    assert_eq!(hd1.number, "HD001");
    let village = ticket_of(village.ticket);
    assert_eq!(village.id, "village-station.20261127.A001");
    assert_eq!(village.people_ahead, 0);
    Ok(())
}

pub async fn unspecified_priority_and_channel_mean_normal_and_api(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let request = TakeTicketRequest {
        priority_class: PriorityClass::Unspecified.into(),
        channel: Channel::Unspecified.into(),
        ..take_request(SOCIAL)
    };

    let ticket = ticket_of(app.take_with(request).await?.ticket);
    let kiosk = TakeTicketRequest {
        channel: Channel::Kiosk.into(),
        priority_class: PriorityClass::GreenChannel.into(),
        ..take_request(SOCIAL)
    };
    let kiosk = ticket_of(app.take_with(kiosk).await?.ticket);

    assert_eq!(ticket.priority_class(), PriorityClass::Normal);
    assert_eq!(ticket.channel(), Channel::Api);
    assert_eq!(kiosk.priority_class(), PriorityClass::GreenChannel);
    assert_eq!(kiosk.channel(), Channel::Kiosk);
    Ok(())
}

pub async fn an_idempotency_key_replays_the_same_ticket_without_using_a_number(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let request = TakeTicketRequest {
        idempotency_key: "kiosk-7-req-0001".into(),
        ..take_request(SOCIAL)
    };

    let first = app.take_with(request.clone()).await?;
    let again = app.take_with(request.clone()).await?;
    let other = app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    let after_call = app.take_with(request).await?;

    assert!(!first.replayed, "the first take issues the ticket");
    assert!(again.replayed, "the retry replays it");
    assert_eq!(
        ticket_of(again.ticket).id,
        ticket_of(first.ticket.clone()).id
    );
    assert_eq!(other.number, "A002", "the replay used no number");
    assert!(after_call.replayed);
    let replayed = ticket_of(after_call.ticket);
    assert_eq!(replayed.number, "A001");
    assert_eq!(
        replayed.state(),
        TicketState::Called,
        "replayed as it is now"
    );
    Ok(())
}

pub async fn an_idempotency_key_is_scoped_to_the_service_day(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let request = TakeTicketRequest {
        idempotency_key: "mobile-abc".into(),
        ..take_request(SOCIAL)
    };
    app.take(SOCIAL).await?;
    let yesterday = ticket_of(app.take_with(request.clone()).await?.ticket);

    app.clock.set(shanghai(2026, 11, 28, 8, 30));
    let today = app.take_with(request).await?;

    assert_eq!(yesterday.id, "test-centre.20261127.A002");
    assert!(
        !today.replayed,
        "a new day issues a new ticket for the same key"
    );
    assert_eq!(ticket_of(today.ticket).id, "test-centre.20261128.A001");
    Ok(())
}

pub async fn the_daily_limit_answers_resource_exhausted_with_a_readable_message(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let keyed = TakeTicketRequest {
        idempotency_key: "last-one".into(),
        ..take_request(PERMITS)
    };
    app.take(PERMITS).await?;
    let cancelled = app.take(PERMITS).await?;
    app.cancel(&cancelled.id).await?;
    app.take_with(keyed.clone()).await?;

    let refused = app.take(PERMITS).await;
    let replay = app.take_with(keyed).await?;
    app.clock.set(shanghai(2026, 11, 28, 9, 0));
    let tomorrow = app.take(PERMITS).await?;

    assert_status(refused, Code::ResourceExhausted, &[PERMITS, "3"]);
    assert!(replay.replayed, "a replay at the limit still answers");
    assert_eq!(ticket_of(replay.ticket).number, "C003");
    assert_eq!(tomorrow.id, "test-centre.20261128.C001");
    Ok(())
}

pub async fn numbers_restart_at_midnight_in_shanghai_not_at_utc_midnight(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.clock.set(shanghai(2026, 11, 28, 7, 30)); // 23:30 UTC on the 27th
    let before_utc_midnight = app.take(SOCIAL).await?;
    app.clock.set(shanghai(2026, 11, 28, 8, 30)); // 00:30 UTC on the 28th
    let after_utc_midnight = app.take(SOCIAL).await?;
    app.clock.set(shanghai(2026, 11, 28, 23, 59));
    let last_of_the_day = app.take(SOCIAL).await?;

    app.advance(std::time::Duration::from_secs(120)); // 00:01 on the 29th in Shanghai
    let first_of_next_day = app.take(SOCIAL).await?;

    assert_eq!(before_utc_midnight.id, "test-centre.20261128.A001");
    assert_eq!(after_utc_midnight.id, "test-centre.20261128.A002");
    assert_eq!(last_of_the_day.id, "test-centre.20261128.A003");
    assert_eq!(first_of_next_day.id, "test-centre.20261129.A001");
    assert_eq!(first_of_next_day.service_day, "2026-11-29");
    Ok(())
}

pub async fn get_ticket_takes_the_short_id_for_todays_number(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let taken = app.take(TAX).await?;

    let by_short_id = app.get("test-centre.B001").await?;
    app.clock.set(shanghai(2026, 11, 28, 9, 0));
    let next_day = app.get("test-centre.B001").await;
    let by_full_id = app.get(&taken.id).await?;

    assert_eq!(by_short_id.id, "test-centre.20261127.B001");
    assert_status(next_day, Code::NotFound, &["B001"]);
    assert_eq!(by_full_id.number, "B001");
    Ok(())
}

pub async fn phones_are_only_ever_returned_masked(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let request = TakeTicketRequest {
        phone: "+86 138 1234 5678".into(),
        ..take_request(SOCIAL)
    };

    let taken = app.take_with(request).await?;
    let got = app.get("test-centre.A001").await?;
    let listed = app.waiting(SOCIAL).await?;
    let without_phone = app.take(SOCIAL).await?;

    let taken = ticket_of(taken.ticket);
    assert_eq!(taken.masked_phone, "138****5678");
    assert_eq!(got.masked_phone, "138****5678");
    assert_eq!(listed[0].masked_phone, "138****5678");
    assert_eq!(without_phone.masked_phone, "");
    for answer in [
        format!("{taken:?}"),
        format!("{got:?}"),
        format!("{listed:?}"),
    ] {
        assert!(
            !answer.contains("12345678"),
            "a full phone leaked: {answer}"
        );
        assert!(
            !answer.contains("1234 5678"),
            "a full phone leaked: {answer}"
        );
    }
    Ok(())
}

pub async fn cancel_ends_a_waiting_ticket_and_takes_it_out_of_the_queue(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let first = app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;

    let cancelled = app.cancel(&first.id).await?;

    assert_eq!(cancelled.state(), TicketState::Cancelled);
    assert!(cancelled.ended_at.is_some());
    assert_eq!(cancelled.people_ahead, 0);
    assert_eq!(app.get(&first.id).await?.state(), TicketState::Cancelled);
    assert_eq!(app.waiting_numbers(SOCIAL).await?, ["A002"]);
    assert_eq!(app.get("test-centre.A002").await?.people_ahead, 0);
    assert_eq!(
        app.take(SOCIAL).await?.number,
        "A003",
        "numbers are never reused"
    );
    Ok(())
}
