//! The typed client library (`queuecall_client::QueueClient`) against the real service:
//! answers as proto messages, failures as `ClientError` by gRPC code.

use queuecall_client::{ClientError, QueueClient, Server, TakeTicket};
use queuecall_tests::v1::{Channel, PriorityClass, TicketState};
use queuecall_tests::*;

fn take(service: &str) -> TakeTicket {
    TakeTicket {
        branch: BRANCH.into(),
        service: service.into(),
        phone: None,
        priority: PriorityClass::Unspecified,
        channel: Channel::Unspecified,
        idempotency_key: None,
    }
}

#[tokio::test]
async fn the_typed_client_drives_a_ticket_and_maps_errors_by_code() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let server = Server::new(app.url()).with_token(Some(TEST_ADMIN_TOKEN.to_owned()));
    let mut client = QueueClient::connect(&server).await?;

    let taken = client.take_ticket(take(SOCIAL)).await?;
    client.open_window(BRANCH, WINDOW_SOCIAL).await?;
    let called = client.call_next(BRANCH, WINDOW_SOCIAL).await?;
    let not_found = client.take_ticket(take("bakery")).await;
    let invalid = client.get_ticket("not a ticket").await;
    let refused = client.cancel_ticket(&taken.ticket.id).await;
    for _ in 0..3 {
        client.take_ticket(take(PERMITS)).await?;
    }
    let exhausted = client.take_ticket(take(PERMITS)).await;

    assert_eq!(taken.ticket.number, "A001");
    assert!(!taken.replayed);
    let called = called.expect("A001 is called");
    assert_eq!(called.state(), TicketState::Called);
    assert!(
        matches!(not_found, Err(ClientError::NotFound(_))),
        "{not_found:?}"
    );
    assert!(matches!(invalid, Err(ClientError::InvalidArgument(m)) if m.contains("ticket_id")));
    assert!(matches!(refused, Err(ClientError::FailedPrecondition(m)) if m.contains("CALLED")));
    assert!(
        matches!(exhausted, Err(ClientError::ResourceExhausted(_))),
        "{exhausted:?}"
    );
    Ok(())
}

#[tokio::test]
async fn connecting_to_nothing_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }; // closed again: nothing listens there

    let result = QueueClient::connect(&format!("http://127.0.0.1:{port}")).await;

    assert!(matches!(result, Err(ClientError::Connect(_))), "{result:?}");
}

#[tokio::test]
async fn a_client_without_its_token_is_refused_unauthenticated() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut anonymous = QueueClient::connect(&app.url()).await?;
    let refused = anonymous.get_branch(BRANCH).await.expect_err("no token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused}");
    let wrong = Server::new(app.url()).with_token(Some("not-the-token".to_owned()));
    let refused = QueueClient::connect(&wrong)
        .await?
        .get_branch(BRANCH)
        .await
        .expect_err("an unknown token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused}");
    Ok(())
}
