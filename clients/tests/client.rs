//! `QueueClient` against a scripted fake service: requests carry the arguments, answers and
//! failures come back typed.

#![allow(clippy::unwrap_used)]

mod fake;

use std::time::Duration;

use fake::Fake;
use queuecall_client::{ClientError, ConnectOptions, QueueClient, TakeTicket, pb};

async fn client() -> (QueueClient, Fake) {
    let (addr, fake) = Fake::spawn().await;
    let client = QueueClient::connect(&addr.to_string()).await.unwrap();
    (client, fake)
}

#[tokio::test]
async fn take_ticket_sends_every_argument() {
    let (mut client, fake) = client().await;
    let taken = client
        .take_ticket(TakeTicket {
            phone: Some("13812341234".to_owned()),
            priority: pb::PriorityClass::Appointment,
            channel: pb::Channel::Mobile,
            idempotency_key: Some("again".to_owned()),
            ..TakeTicket::new("district-centre", "tax")
        })
        .await
        .unwrap();
    assert_eq!(
        fake.last_request(),
        r#"TakeTicketRequest { branch_id: "district-centre", service_id: "tax", phone: "13812341234", priority_class: Appointment, channel: Mobile, idempotency_key: "again" }"#
    );
    assert!(taken.replayed);
    assert_eq!(taken.ticket.number, "A001");
    assert_eq!(taken.ticket.masked_phone, "138****1234");
}

#[tokio::test]
async fn call_next_without_a_ticket_is_none() {
    let (mut client, fake) = client().await;
    assert_eq!(client.call_next("district-centre", 9).await.unwrap(), None);
    let called = client
        .call_next("district-centre", 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(called.window, 5);
    assert_eq!(
        fake.last_request(),
        r#"CallNextRequest { branch_id: "district-centre", window: 5 }"#
    );
}

#[tokio::test]
async fn window_operations_send_branch_window_and_arguments() {
    let (mut client, fake) = client().await;
    let b = "district-centre";
    client.recall(b, 5).await.unwrap();
    client.start_service(b, 5).await.unwrap();
    client.complete_service(b, 5).await.unwrap();
    client.mark_no_show(b, 5).await.unwrap();
    client.requeue("district-centre.A001").await.unwrap();
    client.transfer(b, 5, "tax", true).await.unwrap();
    client
        .call_ticket(b, 5, "district-centre.A007")
        .await
        .unwrap();
    let paused = client.pause_window(b, 5, "lunch").await.unwrap();
    assert_eq!(paused.pause_reason, "lunch");
    client.open_window(b, 5).await.unwrap();
    client.close_window(b, 5).await.unwrap();
    let requests = fake.requests.lock().unwrap().clone();
    assert_eq!(
        requests,
        [
            r#"RecallRequest { branch_id: "district-centre", window: 5 }"#,
            r#"StartServiceRequest { branch_id: "district-centre", window: 5 }"#,
            r#"CompleteServiceRequest { branch_id: "district-centre", window: 5 }"#,
            r#"MarkNoShowRequest { branch_id: "district-centre", window: 5 }"#,
            r#"RequeueRequest { ticket_id: "district-centre.A001" }"#,
            r#"TransferRequest { branch_id: "district-centre", window: 5, target_service_id: "tax", to_front: true }"#,
            r#"CallTicketRequest { branch_id: "district-centre", window: 5, ticket_id: "district-centre.A007" }"#,
            r#"PauseWindowRequest { branch_id: "district-centre", window: 5, reason: "lunch" }"#,
            r#"OpenWindowRequest { branch_id: "district-centre", window: 5 }"#,
            r#"CloseWindowRequest { branch_id: "district-centre", window: 5 }"#,
        ]
    );
}

#[tokio::test]
async fn tickets_and_branch() {
    let (mut client, _fake) = client().await;
    let t = client.get_ticket("district-centre.A023").await.unwrap();
    assert_eq!(t.id, "district-centre.A023");
    let t = client.cancel_ticket("district-centre.A023").await.unwrap();
    assert_eq!(t.state(), pb::TicketState::Cancelled);
    let waiting = client
        .list_waiting("district-centre", "social-security")
        .await
        .unwrap();
    assert_eq!(waiting.len(), 2);
    let branch = client.get_branch("district-centre").await.unwrap();
    assert_eq!(branch.services.len(), 2);
    assert_eq!(branch.windows.len(), 2);
}

#[tokio::test]
async fn statuses_become_typed_errors() {
    let (mut client, _fake) = client().await;
    let err = client.get_ticket("district-centre.A404").await.unwrap_err();
    assert_eq!(
        err,
        ClientError::NotFound("ticket district-centre.A404 not found".to_owned())
    );
    let err = client.call_next("district-centre", 4).await.unwrap_err();
    assert_eq!(
        err,
        ClientError::FailedPrecondition("window 4 is paused".to_owned())
    );
    let err = client
        .take_ticket(TakeTicket::new("district-centre", "full"))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::ResourceExhausted(_)), "{err:?}");
}

#[tokio::test]
async fn a_slow_answer_times_out_as_deadline_exceeded() {
    let (addr, _fake) = Fake::spawn().await;
    let options = ConnectOptions {
        request_timeout: Duration::from_millis(200),
        ..ConnectOptions::default()
    };
    let mut client = QueueClient::connect_with(&format!("http://{addr}"), options)
        .await
        .unwrap();
    let err = client.get_ticket("slow").await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::DeadlineExceeded, "{err:?}");
}

#[tokio::test]
async fn the_raw_client_is_reachable() {
    let (mut client, _fake) = client().await;
    let answer = client
        .inner()
        .get_branch(pb::GetBranchRequest {
            branch_id: "district-centre".to_owned(),
        })
        .await
        .unwrap();
    assert!(answer.into_inner().branch.is_some());
}
