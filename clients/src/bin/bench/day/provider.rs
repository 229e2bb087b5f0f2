//! A fake Twilio-compatible SMS provider inside the bench: a small HTTP server that accepts
//! every well-authenticated `POST /2010-04-01/Accounts/{sid}/Messages.json`, answers with a
//! message sid, and keeps (To, Body) of each for the once-only check. Its list endpoint
//! answers an empty page: it never loses a message, so the service never needs to ask.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use base64::Engine;

#[derive(Debug, Default)]
struct Received {
    messages: Vec<(String, String)>,
    refused: u64,
}

/// The running fake provider.
#[derive(Debug, Clone)]
pub struct FakeProvider {
    pub addr: SocketAddr,
    received: Arc<Mutex<Received>>,
}

#[derive(Clone)]
struct Shared {
    account_sid: String,
    /// The `Authorization` header the service must send.
    expected: String,
    received: Arc<Mutex<Received>>,
}

#[derive(Debug, serde::Deserialize)]
struct NewMessage {
    #[serde(rename = "To")]
    to: String,
    #[serde(rename = "Body")]
    body: String,
}

const JSON: [(header::HeaderName, &str); 1] = [(header::CONTENT_TYPE, "application/json")];

/// The `Authorization` header of HTTP basic auth with `user` and `password`.
pub fn basic_auth(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn lock(received: &Mutex<Received>) -> std::sync::MutexGuard<'_, Received> {
    received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn create(
    State(shared): State<Shared>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Form(message): Form<NewMessage>,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    let authorized = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|value| value.as_bytes() == shared.expected.as_bytes());
    let mut received = lock(&shared.received);
    if sid != shared.account_sid || !authorized {
        received.refused += 1;
        let body = r#"{"code":20003,"message":"Authenticate"}"#.to_owned();
        return (StatusCode::UNAUTHORIZED, JSON, body);
    }
    received.messages.push((message.to, message.body));
    let sid = format!("SM{:032x}", received.messages.len());
    let body = format!(r#"{{"sid":"{sid}","status":"queued"}}"#);
    (StatusCode::CREATED, JSON, body)
}

async fn list() -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    let body = r#"{"messages":[],"next_page_uri":null}"#.to_owned();
    (StatusCode::OK, JSON, body)
}

impl FakeProvider {
    /// Binds `listen` (port 0 for any) and serves in the background.
    pub async fn start(
        listen: SocketAddr,
        account_sid: &str,
        auth_token: &str,
    ) -> anyhow::Result<Self> {
        let received = Arc::new(Mutex::new(Received::default()));
        let shared = Shared {
            account_sid: account_sid.to_owned(),
            expected: basic_auth(account_sid, auth_token),
            received: received.clone(),
        };
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                post(create).get(list),
            )
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("the fake SMS provider cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                eprintln!("error: the fake SMS provider stopped: {err}");
            }
        });
        Ok(Self { addr, received })
    }

    /// Messages accepted so far.
    pub fn count(&self) -> usize {
        lock(&self.received).messages.len()
    }

    /// Requests refused for a wrong account or credentials.
    pub fn refused(&self) -> u64 {
        lock(&self.received).refused
    }

    /// (To, Body) of every accepted message.
    pub fn messages(&self) -> Vec<(String, String)> {
        lock(&self.received).messages.clone()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Sends one raw HTTP/1.1 request and returns the status line.
    async fn post(addr: SocketAddr, path: &str, auth: &str, form: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\
             \r\n\r\n{form}",
            form.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer.lines().next().unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn accepts_authenticated_messages_and_counts_the_rest_as_refused() {
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let provider = FakeProvider::start(listen, "AC1", "secret").await.unwrap();
        let path = "/2010-04-01/Accounts/AC1/Messages.json";
        let form = "To=%2B8613800000001&From=%2B861000&Body=A001+%E5%8F%B7";
        let good = basic_auth("AC1", "secret");
        assert!(post(provider.addr, path, &good, form).await.contains("201"));
        let bad = basic_auth("AC1", "wrong");
        assert!(post(provider.addr, path, &bad, form).await.contains("401"));
        let other = "/2010-04-01/Accounts/AC2/Messages.json";
        assert!(
            post(provider.addr, other, &good, form)
                .await
                .contains("401")
        );
        assert_eq!(provider.count(), 1);
        assert_eq!(provider.refused(), 2);
        assert_eq!(
            provider.messages(),
            [("+8613800000001".to_owned(), "A001 号".to_owned())]
        );
    }

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }
}
