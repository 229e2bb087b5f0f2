//! Access tokens of the tests. [`spawn_app`](crate::spawn_app) configures an admin token,
//! [`TEST_ADMIN_TOKEN`], and every channel it hands out carries it ([`Connection`]: a
//! channel with the [`Bearer`] interceptor), so that the suites run with access control on
//! and unchanged. The binaries the tests start get the same token (`QUEUECALL_AUTH__TOKENS`
//! for `queuecall`, `--token` for `queuecallctl`).

use std::time::Duration;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

/// The admin token every test app accepts.
pub const TEST_ADMIN_TOKEN: &str = "test-admin-4f1c9a7e2b6d8e03a5c7f9b1d3e5a7c9";
/// The name the test admin token is configured under.
pub const TEST_ADMIN_NAME: &str = "test-admin";

/// A channel whose calls carry a bearer token.
pub type Connection = InterceptedService<Channel, Bearer>;

/// Adds `authorization: Bearer <token>` to every call (nothing for [`Bearer::none`]).
#[derive(Debug, Clone)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    /// Calls with `token`.
    pub fn new(token: &str) -> Self {
        let value = format!("Bearer {token}")
            .parse()
            .unwrap_or_else(|e| panic!("a token fit for metadata: {e}"));
        Self(Some(value))
    }

    /// Calls with the test admin token.
    pub fn admin() -> Self {
        Self::new(TEST_ADMIN_TOKEN)
    }

    /// Calls without a token.
    pub fn none() -> Self {
        Self(None)
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// `channel` with `bearer`.
pub fn with_bearer(channel: Channel, bearer: Bearer) -> Connection {
    InterceptedService::new(channel, bearer)
}

/// The hex SHA-256 of `token`, as `auth.tokens[].sha256` takes it.
pub fn token_sha256(token: &str) -> String {
    queuecall::auth::settings::hex(&queuecall::auth::keys::sha256(token))
}

/// `auth.tokens` with the test admin token, as an environment value
/// (`QUEUECALL_AUTH__TOKENS`).
pub fn admin_tokens_env() -> String {
    format!(
        "[{{name=\"{TEST_ADMIN_NAME}\",role=\"admin\",sha256=\"{}\"}}]",
        token_sha256(TEST_ADMIN_TOKEN)
    )
}

/// A plain channel to `addr` (no token).
pub async fn plain_channel(addr: std::net::SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("a valid endpoint")
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap_or_else(|e| panic!("connect to the test service at {addr}: {e}"))
}

/// `path` with the test admin token as `?token=` (the HTTP display routes take it so).
pub fn with_admin_token(path: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}token={TEST_ADMIN_TOKEN}")
}

/// A connection to `url` (`http://<ip>:<port>`, a [`crate::ServiceProcess`]'s) whose calls
/// carry the test admin token.
pub async fn admin_channel(url: &str) -> anyhow::Result<Connection> {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await?;
    Ok(with_bearer(channel, Bearer::admin()))
}
