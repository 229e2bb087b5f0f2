//! Bad input is INVALID_ARGUMENT naming the field; names that do not exist are NOT_FOUND.

use queuecall_tests::v1::{
    CallNextRequest, CancelTicketRequest, GetBranchRequest, GetTicketRequest, ListWaitingRequest,
    OpenWindowRequest, TakeTicketRequest, TicketState,
};
use queuecall_tests::*;

fn long(n: usize) -> String {
    "x".repeat(n)
}

pub async fn take_ticket_rejects_empty_and_over_long_names_naming_the_field(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let with = |branch: &str, service: &str| TakeTicketRequest {
        branch_id: branch.into(),
        service_id: service.into(),
        ..TakeTicketRequest::default()
    };

    for (request, field) in [
        (with("", SOCIAL), "branch_id"),
        (with(&long(65), SOCIAL), "branch_id"),
        (with(BRANCH, ""), "service_id"),
        (with(BRANCH, &long(65)), "service_id"),
        (with("test centre", SOCIAL), "branch_id"),
    ] {
        assert_status(
            app.take_with(request).await,
            Code::InvalidArgument,
            &[field],
        );
    }
    assert_eq!(app.take(SOCIAL).await?.number, "A001", "nothing was issued");
    Ok(())
}

pub async fn take_ticket_rejects_malformed_phones_and_unknown_enum_numbers(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    for phone in [
        "12345",
        "23812341234",
        "138123412345",
        "1381234123x",
        "+1 415 555 0100",
    ] {
        let request = TakeTicketRequest {
            phone: phone.into(),
            ..take_request(SOCIAL)
        };
        let refused = app.take_with(request).await;
        let status = assert_status(refused, Code::InvalidArgument, &["phone"]);
        assert!(!status.message().contains(phone), "the phone is not echoed");
    }
    let priority = TakeTicketRequest {
        priority_class: 99,
        ..take_request(SOCIAL)
    };
    let channel = TakeTicketRequest {
        channel: 42,
        ..take_request(SOCIAL)
    };
    assert_status(
        app.take_with(priority).await,
        Code::InvalidArgument,
        &["priority_class"],
    );
    assert_status(
        app.take_with(channel).await,
        Code::InvalidArgument,
        &["channel"],
    );
    assert_eq!(app.take(SOCIAL).await?.number, "A001", "nothing was issued");
    Ok(())
}

pub async fn take_ticket_rejects_bad_idempotency_keys(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let keyed = |key: &str| TakeTicketRequest {
        idempotency_key: key.into(),
        ..take_request(SOCIAL)
    };

    for key in [
        long(129),
        "has space".into(),
        "键".into(),
        "tab\tkey".into(),
    ] {
        let refused = app.take_with(keyed(&key)).await;
        assert_status(refused, Code::InvalidArgument, &["idempotency_key"]);
    }
    let longest = app.take_with(keyed(&long(128))).await?;
    assert_eq!(ticket_of(longest.ticket).number, "A001");
    Ok(())
}

pub async fn malformed_ticket_ids_are_invalid_arguments_naming_ticket_id(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.open(WINDOW_SOCIAL).await?;
    let too_long = long(200);

    for bad in [
        "",
        "A001",
        "test-centre.A0",
        "test-centre.2026-11-27.A001",
        "a.b.c.d",
        too_long.as_str(),
    ] {
        let invalid = |r| assert_status(r, Code::InvalidArgument, &["ticket_id"]);
        invalid(app.get(bad).await.map(|_| ()));
        invalid(app.cancel(bad).await.map(|_| ()));
        invalid(app.requeue(bad).await.map(|_| ()));
        invalid(app.call_ticket(WINDOW_SOCIAL, bad).await.map(|_| ()));
    }
    let other_branch = app.call_ticket(WINDOW_SOCIAL, "village-station.A001").await;
    assert_status(other_branch, Code::InvalidArgument, &["ticket_id"]);
    Ok(())
}

pub async fn window_zero_and_over_long_reasons_are_invalid_arguments(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let zero = |r: Result<(), Status>| assert_status(r, Code::InvalidArgument, &["window"]);
    zero(app.open(0).await.map(|_| ()));
    zero(app.pause(0, "break").await.map(|_| ()));
    zero(app.close(0).await.map(|_| ()));
    zero(app.call_next(0).await.map(|_| ()));
    zero(app.call_ticket(0, "test-centre.A001").await.map(|_| ()));
    zero(app.recall(0).await.map(|_| ()));
    zero(app.start(0).await.map(|_| ()));
    zero(app.complete(0).await.map(|_| ()));
    zero(app.no_show(0).await.map(|_| ()));
    zero(app.transfer(0, TAX, false).await.map(|_| ()));
    let too_long = app.pause(WINDOW_SOCIAL, &long(201)).await;
    let longest = app.pause(WINDOW_SOCIAL, &long(200)).await;

    assert_status(too_long, Code::InvalidArgument, &["reason"]);
    assert_status(longest, Code::FailedPrecondition, &["CLOSED"]);
    let empty_target = app.transfer(WINDOW_SOCIAL, "", false).await;
    assert_status(empty_target, Code::InvalidArgument, &["target_service_id"]);
    Ok(())
}

pub async fn unknown_branches_services_windows_and_tickets_are_not_found(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let mut client = app.client.clone();
    let take = |branch: &str, service: &str| TakeTicketRequest {
        branch_id: branch.into(),
        service_id: service.into(),
        ..TakeTicketRequest::default()
    };

    let no_branch = app.take_with(take("nowhere", SOCIAL)).await;
    let no_service = app.take_with(take(BRANCH, "bakery")).await;
    let no_window = app.open(99).await;
    let no_ticket = app.get("test-centre.A999").await;
    let no_ticket_branch = app.get("nowhere.20261127.A001").await;
    let cancel_unknown = client
        .cancel_ticket(CancelTicketRequest {
            ticket_id: "test-centre.B007".into(),
        })
        .await;
    let list_unknown = client
        .list_waiting(ListWaitingRequest {
            branch_id: BRANCH.into(),
            service_id: "bakery".into(),
        })
        .await;
    let branch_unknown = client
        .get_branch(GetBranchRequest {
            branch_id: "nowhere".into(),
        })
        .await;
    let call_unknown_branch = client
        .call_next(CallNextRequest {
            branch_id: "nowhere".into(),
            window: 1,
        })
        .await;
    let open_unknown_branch = client
        .open_window(OpenWindowRequest {
            branch_id: "nowhere".into(),
            window: 1,
        })
        .await;
    let transfer_unknown = app.transfer(WINDOW_SOCIAL, "bakery", false).await;
    let requeue_unknown = app.requeue("test-centre.A404").await;

    assert_status(no_branch, Code::NotFound, &["branch", "nowhere"]);
    assert_status(no_service, Code::NotFound, &["service", "bakery"]);
    assert_status(no_window, Code::NotFound, &["window", "99"]);
    assert_status(no_ticket, Code::NotFound, &["A999"]);
    assert_status(no_ticket_branch, Code::NotFound, &["nowhere"]);
    assert_status(cancel_unknown, Code::NotFound, &["B007"]);
    assert_status(list_unknown, Code::NotFound, &["bakery"]);
    assert_status(branch_unknown, Code::NotFound, &["nowhere"]);
    assert_status(call_unknown_branch, Code::NotFound, &["nowhere"]);
    assert_status(open_unknown_branch, Code::NotFound, &["nowhere"]);
    assert_status(
        transfer_unknown,
        Code::NotFound,
        &["target_service_id", "bakery"],
    );
    assert_status(requeue_unknown, Code::NotFound, &["A404"]);
    Ok(())
}

pub async fn empty_names_in_other_requests_are_invalid_arguments(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let mut client = app.client.clone();
    app.take(SOCIAL).await?;

    let list = client
        .list_waiting(ListWaitingRequest {
            branch_id: BRANCH.into(),
            service_id: String::new(),
        })
        .await;
    let branch = client.get_branch(GetBranchRequest::default()).await;
    let open = client
        .open_window(OpenWindowRequest {
            branch_id: String::new(),
            window: 1,
        })
        .await;
    let get = client
        .get_ticket(GetTicketRequest {
            ticket_id: "   ".into(),
        })
        .await;

    assert_status(list, Code::InvalidArgument, &["service_id"]);
    assert_status(branch, Code::InvalidArgument, &["branch_id"]);
    assert_status(open, Code::InvalidArgument, &["branch_id"]);
    assert_status(get, Code::InvalidArgument, &["ticket_id"]);
    let untouched = app.get("test-centre.A001").await?;
    assert_eq!(untouched.state(), TicketState::Waiting);
    Ok(())
}
