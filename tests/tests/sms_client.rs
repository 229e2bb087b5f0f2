//! The SMS provider client against a wiremock server playing Twilio: the exact form and basic
//! auth sent, 429 then success, 500, 21211 never retried, a time-out that leaves the send
//! ambiguous, a refused connection, and `find_sent` after an ambiguous send (paging the list
//! by number to a message still queued, stopping at the first one older than the attempt).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{TimeZone, Utc};
use queuecall::domain::Phone;
use queuecall::sms::settings::{ProviderSettings, Secret, SmsFrom};
use queuecall::sms::twilio::TwilioSender;
use queuecall::sms::{OutgoingSms, SendOutcome, Sender};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "test-auth-token";
const MESSAGES: &str = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";
const CALLBACK: &str = "https://hall.example.gov.cn/sms/status";
const BODY: &str = "【政务大厅】您的号码 A012 前面还有 3 人，请回到大厅。";

fn provider(base_url: &str, timeout: Duration) -> TwilioSender {
    TwilioSender::new(ProviderSettings {
        base_url: base_url.to_owned(),
        account_sid: SID.to_owned(),
        auth_token: Secret::new(TOKEN),
        from: SmsFrom::Number("+15005550006".to_owned()),
        status_callback_url: Some(CALLBACK.to_owned()),
        timeout,
    })
    .expect("a client")
}

fn reminder() -> OutgoingSms {
    OutgoingSms {
        outbox_id: "outbox-1".to_owned(),
        to: Phone::parse("phone", "13812341234").expect("a phone"),
        body: BODY.to_owned(),
    }
}

fn accepted(sid: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "sid": sid, "status": "queued", "to": "+8613812341234", "body": BODY,
        "error_code": null, "error_message": null,
    }))
}

/// What the client makes of one send that the provider answers with `response` (and must
/// receive exactly once).
async fn send_answered(response: ResponseTemplate, timeout: Duration) -> SendOutcome {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(response)
        .expect(1)
        .mount(&twilio)
        .await;
    let outcome = provider(&twilio.uri(), timeout).send(&reminder()).await;
    twilio.verify().await;
    outcome
}

fn basic_auth() -> String {
    format!("Basic {}", STANDARD.encode(format!("{SID}:{TOKEN}")))
}

#[tokio::test]
async fn sends_the_exact_form_with_basic_auth_and_reads_the_sid() {
    let twilio = MockServer::start().await;
    let form = "To=%2B8613812341234&From=%2B15005550006&Body=%E3%80%90%E6%94%BF%E5%8A%A1%E5%A4%A7%E5%8E%85%E3%80%91%E6%82%A8%E7%9A%84%E5%8F%B7%E7%A0%81+A012+%E5%89%8D%E9%9D%A2%E8%BF%98%E6%9C%89+3+%E4%BA%BA%EF%BC%8C%E8%AF%B7%E5%9B%9E%E5%88%B0%E5%A4%A7%E5%8E%85%E3%80%82&StatusCallback=https%3A%2F%2Fhall.example.gov.cn%2Fsms%2Fstatus";
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .and(header("authorization", basic_auth().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(form))
        .respond_with(accepted("SM0001"))
        .expect(1)
        .mount(&twilio)
        .await;

    let outcome = provider(&twilio.uri(), Duration::from_secs(5))
        .send(&reminder())
        .await;

    assert_eq!(
        outcome,
        SendOutcome::Accepted {
            sid: "SM0001".to_owned(),
            status: "queued".to_owned()
        }
    );
}

#[tokio::test]
async fn a_messaging_service_replaces_from() {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .and(wiremock::matchers::body_string_contains(
            "MessagingServiceSid=MG42",
        ))
        .respond_with(accepted("SM0002"))
        .expect(1)
        .mount(&twilio)
        .await;
    let sender = TwilioSender::new(ProviderSettings {
        base_url: twilio.uri(),
        account_sid: SID.to_owned(),
        auth_token: Secret::new(TOKEN),
        from: SmsFrom::MessagingService("MG42".to_owned()),
        status_callback_url: None,
        timeout: Duration::from_secs(5),
    })
    .expect("a client");

    let outcome = sender.send(&reminder()).await;

    assert!(
        matches!(outcome, SendOutcome::Accepted { .. }),
        "{outcome:?}"
    );
    let requests = twilio.received_requests().await.expect("recording is on");
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(!body.contains("From="), "{body}");
    assert!(!body.contains("StatusCallback="), "{body}");
}

#[tokio::test]
async fn too_many_requests_is_retryable_with_retry_after_then_the_retry_is_accepted() {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(
                    json!({"code": 20429, "message": "Too Many Requests", "status": 429}),
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&twilio)
        .await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(accepted("SM0003"))
        .expect(1)
        .mount(&twilio)
        .await;
    let sender = provider(&twilio.uri(), Duration::from_secs(5));

    let first = sender.send(&reminder()).await;
    let second = sender.send(&reminder()).await;

    assert!(
        matches!(&first, SendOutcome::Retryable { retry_after: Some(after), .. } if *after == Duration::from_secs(7)),
        "{first:?}"
    );
    assert!(
        matches!(&second, SendOutcome::Accepted { sid, .. } if sid == "SM0003"),
        "{second:?}"
    );
}

#[tokio::test]
async fn a_server_error_is_retryable() {
    let outcome = send_answered(
        ResponseTemplate::new(500).set_body_string("internal error"),
        Duration::from_secs(5),
    )
    .await;

    assert!(
        matches!(
            &outcome,
            SendOutcome::Retryable {
                retry_after: None,
                ..
            }
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn invalid_unsubscribed_and_not_sms_capable_numbers_are_permanent() {
    for (code, message) in [
        (
            21211,
            "The 'To' number +8613812341234 is not a valid phone number.",
        ),
        (21610, "Attempt to send to unsubscribed recipient"),
        (21614, "'To' number is not a valid mobile number"),
    ] {
        let outcome = send_answered(
            ResponseTemplate::new(400).set_body_json(
                json!({"code": code, "message": message, "more_info": "", "status": 400}),
            ),
            Duration::from_secs(5),
        )
        .await;

        match outcome {
            SendOutcome::Permanent {
                code: Some(got),
                reason,
            } => {
                assert_eq!(got, code);
                let shown = message.replace("+8613812341234", "138****1234");
                assert!(reason.contains(&shown), "{reason}");
                assert!(
                    !reason.contains("13812341234"),
                    "the number is masked: {reason}"
                );
            }
            other => panic!("{code}: expected Permanent, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_time_out_after_sending_is_ambiguous() {
    let outcome = send_answered(
        accepted("SM0004").set_delay(Duration::from_secs(3)),
        Duration::from_millis(300),
    )
    .await;

    assert!(
        matches!(&outcome, SendOutcome::Ambiguous { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retryable() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();

    let outcome = provider(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2))
        .send(&reminder())
        .await;

    assert!(
        matches!(&outcome, SendOutcome::Retryable { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn find_sent_returns_the_message_with_the_same_body_created_since_the_attempt() {
    let twilio = MockServer::start().await;
    let message = |sid: &str, body: &str, created: &str| {
        json!({"sid": sid, "status": "delivered", "to": "+8613812341234", "body": body,
               "date_created": created, "error_code": null, "error_message": null})
    };
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(header("authorization", basic_auth().as_str()))
        .and(query_param("To", "+8613812341234"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [
                message("SM-other", "另一条消息", "Mon, 02 Mar 2026 01:30:05 +0000"),
                message("SM-earlier", BODY, "Mon, 02 Mar 2026 01:00:00 +0000"),
                message("SM-this", BODY, "Mon, 02 Mar 2026 01:30:02 +0000"),
            ]
        })))
        .expect(2)
        .mount(&twilio)
        .await;
    let sender = provider(&twilio.uri(), Duration::from_secs(5));
    let attempt = Utc
        .with_ymd_and_hms(2026, 3, 2, 1, 30, 2)
        .single()
        .expect("a time")
        + chrono::Duration::milliseconds(400);

    let found = sender.find_sent(&reminder(), attempt).await;
    let later = sender
        .find_sent(&reminder(), attempt + chrono::Duration::minutes(5))
        .await;

    assert_eq!(
        found,
        Ok(Some(("SM-this".to_owned(), "delivered".to_owned())))
    );
    assert_eq!(later, Ok(None));
}

fn listed(sid: &str, status: &str, body: &str, created: &str) -> serde_json::Value {
    json!({"sid": sid, "status": status, "to": "+8613812341234", "body": body,
           "date_created": created, "date_sent": null, "error_code": null,
           "error_message": null})
}

/// Page 2 of the list (its `next_page_uri`), answering `messages`; mounted before page 1.
async fn second_page(twilio: &MockServer, messages: serde_json::Value, expect: u64) {
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(header("authorization", basic_auth().as_str()))
        .and(query_param("PageToken", "PA1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"messages": messages, "next_page_uri": null})),
        )
        .expect(expect)
        .mount(twilio)
        .await;
}

fn next_page() -> String {
    format!("{MESSAGES}?To=%2B8613812341234&PageSize=2&Page=1&PageToken=PA1")
}

#[tokio::test]
async fn find_sent_follows_the_pages_to_a_queued_message_without_a_send_date() {
    let twilio = MockServer::start().await;
    second_page(
        &twilio,
        json!([listed(
            "SM-queued",
            "queued",
            BODY,
            "Mon, 02 Mar 2026 01:30:02 +0000"
        )]),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(query_param("To", "+8613812341234"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [
                listed("SM-a", "delivered", "另一条消息", "Mon, 02 Mar 2026 01:40:00 +0000"),
                listed("SM-b", "delivered", "又一条消息", "Mon, 02 Mar 2026 01:35:00 +0000"),
            ],
            "next_page_uri": next_page(),
        })))
        .expect(1)
        .mount(&twilio)
        .await;
    let attempt = Utc
        .with_ymd_and_hms(2026, 3, 2, 1, 30, 2)
        .single()
        .expect("a time");

    let found = provider(&twilio.uri(), Duration::from_secs(5))
        .find_sent(&reminder(), attempt)
        .await;

    assert_eq!(
        found,
        Ok(Some(("SM-queued".to_owned(), "queued".to_owned())))
    );
    twilio.verify().await;
}

#[tokio::test]
async fn find_sent_stops_paging_at_the_first_message_older_than_the_attempt() {
    let twilio = MockServer::start().await;
    second_page(
        &twilio,
        json!([listed(
            "SM-old",
            "delivered",
            BODY,
            "Mon, 02 Mar 2026 01:30:02 +0000"
        )]),
        0,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(query_param("To", "+8613812341234"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [
                listed("SM-a", "delivered", "另一条消息", "Mon, 02 Mar 2026 01:40:00 +0000"),
                listed("SM-b", "delivered", "又一条消息", "Mon, 02 Mar 2026 01:20:00 +0000"),
            ],
            "next_page_uri": next_page(),
        })))
        .expect(1)
        .mount(&twilio)
        .await;
    let attempt = Utc
        .with_ymd_and_hms(2026, 3, 2, 1, 30, 0)
        .single()
        .expect("a time");

    let found = provider(&twilio.uri(), Duration::from_secs(5))
        .find_sent(&reminder(), attempt)
        .await;

    assert_eq!(found, Ok(None));
    twilio.verify().await;
}

#[tokio::test]
async fn find_sent_reports_a_provider_error() {
    let twilio = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "code": 20503, "message": "Listing messages to +8613812341234 is unavailable",
        })))
        .expect(1)
        .mount(&twilio)
        .await;

    let found = provider(&twilio.uri(), Duration::from_secs(5))
        .find_sent(&reminder(), Utc::now())
        .await;

    assert!(
        matches!(&found, Err(reason) if reason.contains("503")),
        "{found:?}"
    );
    // The reason is stored and logged: the provider's quote of the number arrives masked.
    let reason = found.expect_err("an error");
    assert!(
        reason.contains("138****1234") && !reason.contains("13812341234"),
        "{reason}"
    );
}
