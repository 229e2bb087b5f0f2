//! Access control (issue 6): every RPC of every service answers UNAUTHENTICATED without a
//! token or with an unknown one, PERMISSION_DENIED to a role that may not call it and to the
//! right role outside its branch or window, and goes through in scope; health and reflection
//! stay open; a rotated token works old and new and counts as one client. The HTTP display
//! routes and `/metrics` are in `auth_suite::http`; the binary (the demo's tokens, refusing
//! PostgreSQL without tokens) in `auth_suite::binary`.

mod auth_suite;
#[allow(dead_code)]
mod web;

use auth_suite::rpcs::{self, At, Rpc, Scoped};
use auth_suite::tokens::{self, KIOSK, ROTATED_NEW, ROTATED_OLD, UNKNOWN};
use queuecall_tests::v1::queue_service_client::QueueServiceClient;
use queuecall_tests::*;
use serde_yaml::{Mapping, Value};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const HOME: At = At {
    branch: BRANCH,
    window: WINDOW_SOCIAL,
};
const OTHER_WINDOW: At = At {
    branch: BRANCH,
    window: WINDOW_TAX,
};
const OTHER_BRANCH: At = At {
    branch: VILLAGE,
    window: 1,
};

async fn spawn_with(extra: Mapping) -> TestApp {
    spawn_app_configured(AppOptions::new(StoreKind::Embedded), extra).await
}

/// What `rpc` answers `token` (none: no `authorization` at all) acting on `at`.
async fn call(app: &TestApp, rpc: &Rpc, token: Option<&str>, at: At) -> Result<(), Status> {
    let bearer = token.map_or_else(Bearer::none, Bearer::new);
    (rpc.call)(app.channel_with(bearer).await, at).await
}

/// The refusals `rpc` owes, each as a line when it is not given.
async fn check_rpc(app: &TestApp, rpc: &Rpc) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut expect = |case: &str, got: Result<(), Status>, want: Code, says: Option<&str>| {
        let fine = match &got {
            Err(status) => {
                status.code() == want && says.is_none_or(|text| status.message().contains(text))
            }
            Ok(()) => false,
        };
        if !fine {
            wrong.push(format!(
                "{} {case}: want {want:?}{}, got {got:?}",
                rpc.name,
                says.map(|t| format!(" naming {t}")).unwrap_or_default()
            ));
        }
    };
    expect(
        "without a token",
        call(app, rpc, None, HOME).await,
        Code::Unauthenticated,
        None,
    );
    let unknown = call(app, rpc, Some(UNKNOWN), HOME).await;
    expect(
        "with an unknown token",
        unknown,
        Code::Unauthenticated,
        None,
    );
    let other_role = call(app, rpc, Some(rpc.wrong), HOME).await;
    expect(
        "with a role that may not call it",
        other_role,
        Code::PermissionDenied,
        None,
    );
    if rpc.scoped == Scoped::Window {
        let other = call(app, rpc, Some(rpc.right), OTHER_WINDOW).await;
        let named = format!("window {WINDOW_TAX} of branch '{BRANCH}'");
        expect(
            "on another window",
            other,
            Code::PermissionDenied,
            Some(&named),
        );
    }
    if rpc.scoped != Scoped::Unscoped {
        let other = call(app, rpc, Some(rpc.right), OTHER_BRANCH).await;
        let named = format!("branch '{VILLAGE}'");
        expect(
            "in another branch",
            other,
            Code::PermissionDenied,
            Some(&named),
        );
    }
    let allowed = call(app, rpc, Some(rpc.right), HOME).await;
    if let Err(status) = &allowed
        && matches!(
            status.code(),
            Code::Unauthenticated | Code::PermissionDenied
        )
    {
        wrong.push(format!("{} in scope: refused with {status:?}", rpc.name));
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rpc_refuses_missing_unknown_wrong_role_and_out_of_scope_tokens() {
    let app = spawn_with(tokens::settings(&[])).await;
    let all = rpcs::all();
    assert_eq!(all.len(), 36, "every RPC of the five services");
    let mut wrong = Vec::new();
    for rpc in &all {
        wrong.extend(check_rpc(&app, rpc).await);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn health_and_reflection_answer_without_a_token() -> anyhow::Result<()> {
    let app = spawn_with(tokens::settings(&[])).await;
    let mut health = HealthClient::new(app.channel_with(Bearer::none()).await);
    let answer = health.check(HealthCheckRequest::default()).await?;
    assert_eq!(answer.into_inner().status, 1, "SERVING");
    let mut reflection =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(
            app.channel_with(Bearer::none()).await,
        );
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        message_request: Some(
            tonic_reflection::pb::v1::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            ),
        ),
        ..Default::default()
    };
    let mut answers = reflection
        .server_reflection_info(futures::stream::iter([request]))
        .await?
        .into_inner();
    let answer = answers.message().await?.expect("one answer");
    assert!(format!("{answer:?}").contains("queuecall.v1.QueueService"));
    Ok(())
}

#[tokio::test]
async fn a_rotated_token_works_old_and_new_and_counts_as_one_client() -> anyhow::Result<()> {
    // Two tickets per client per hour; the rotated kiosk's two tokens are one client.
    let mut limit = Mapping::new();
    limit.insert("count".into(), 2u32.into());
    limit.insert("window_seconds".into(), 3600u32.into());
    let mut limits = Mapping::new();
    limits.insert("take_ticket_per_client".into(), Value::Mapping(limit));
    let mut extra = tokens::settings(&[]);
    extra.insert("rate_limits".into(), Value::Mapping(limits));
    let app = spawn_with(extra).await;
    let kiosk = |token: &'static str| async {
        QueueServiceClient::new(app.channel_with(Bearer::new(token)).await)
            .take_ticket(take_request(SOCIAL))
            .await
            .map(|answer| answer.into_inner())
    };

    let old = kiosk(ROTATED_OLD).await?;
    let new = kiosk(ROTATED_NEW).await?;
    let third = kiosk(ROTATED_OLD).await;

    assert_eq!(ticket_of(old.ticket).number, "A001");
    assert_eq!(ticket_of(new.ticket).number, "A002");
    assert_status(third, Code::ResourceExhausted, &["client: at most 2 calls"]);
    let other_kiosk = kiosk(KIOSK).await?;
    assert_eq!(
        ticket_of(other_kiosk.ticket).number,
        "A003",
        "another client"
    );
    Ok(())
}
