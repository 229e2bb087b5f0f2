//! `QueueClient`: the generated `QueueService` client with plain arguments and typed errors.
//! This file connects; `rpc.rs` holds one method per RPC. `appointment.rs`, `admin.rs` and
//! `history.rs` are the same for the AppointmentService, AdminService and HistoryService.
//! `display.rs` is the same for the DisplayService streams, and `follow.rs` keeps a branch's
//! stream alive across restarts.

use std::time::Duration;

mod admin;
mod appointment;
mod display;
mod follow;
mod history;
mod rpc;
mod server;

pub use admin::{AdminClient, Layout};
pub use appointment::{
    AppointmentClient, Booked, Booking, CheckInBy, CheckedIn, Rescheduled, SlotQuery,
};
pub use display::{BoardItem, DisplayClient};
pub use follow::{FollowItem, backoff, follow_branch};
pub use history::{HistoryClient, RatingArgs, Statistics};
pub use rpc::{TakeTicket, Taken};
pub use server::{Connection, Credentials, Server};

use crate::error::ClientError;
use crate::pb::queue_service_client::QueueServiceClient;

/// Time-outs of a [`QueueClient`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectOptions {
    /// How long to wait for the TCP/HTTP2 connection (default 5 s).
    pub connect_timeout: Duration,
    /// How long one call may take, also sent to the server as `grpc-timeout` (default 10 s).
    pub request_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// A connection to one queuecall service. Cheap to clone: clones share the HTTP/2 channel.
#[derive(Debug, Clone)]
pub struct QueueClient {
    inner: QueueServiceClient<Connection>,
    request_timeout: Duration,
}

impl QueueClient {
    /// Connects to `server`: an endpoint (`http://127.0.0.1:50051` or `127.0.0.1:50051`) or
    /// a [`Server`] with its token, with the default [`ConnectOptions`].
    pub async fn connect(server: impl Into<Server>) -> Result<Self, ClientError> {
        Self::connect_with(server, ConnectOptions::default()).await
    }

    /// Connects to `server` with the given time-outs.
    pub async fn connect_with(
        server: impl Into<Server>,
        options: ConnectOptions,
    ) -> Result<Self, ClientError> {
        let channel = connect_channel(&server.into(), options).await?;
        Ok(Self {
            inner: QueueServiceClient::new(channel),
            request_timeout: options.request_timeout,
        })
    }

    /// The generated client, for calls this wrapper does not shape.
    pub fn inner(&mut self) -> &mut QueueServiceClient<Connection> {
        &mut self.inner
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.request_timeout);
        request
    }
}

/// A client of one unary gRPC service, shaped like [`QueueClient`]: `connect`,
/// `connect_with`, `inner`, and requests that carry the time-out.
macro_rules! unary_client {
    ($(#[$doc:meta])* $name:ident, $generated:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            inner: $generated<crate::Connection>,
            request_timeout: std::time::Duration,
        }

        impl $name {
            /// Connects to `server`: an endpoint (`http://127.0.0.1:50051` or
            /// `127.0.0.1:50051`) or a [`Server`](crate::Server) with its token, with the
            /// default [`ConnectOptions`](crate::ConnectOptions).
            pub async fn connect(
                server: impl Into<crate::Server>,
            ) -> Result<Self, crate::ClientError> {
                Self::connect_with(server, crate::ConnectOptions::default()).await
            }

            /// Connects to `server` with the given time-outs.
            pub async fn connect_with(
                server: impl Into<crate::Server>,
                options: crate::ConnectOptions,
            ) -> Result<Self, crate::ClientError> {
                let channel = super::connect_channel(&server.into(), options).await?;
                Ok(Self {
                    inner: $generated::new(channel),
                    request_timeout: options.request_timeout,
                })
            }

            /// The generated client, for calls this wrapper does not shape.
            pub fn inner(&mut self) -> &mut $generated<crate::Connection> {
                &mut self.inner
            }

            fn request<T>(&self, message: T) -> tonic::Request<T> {
                let mut request = tonic::Request::new(message);
                request.set_timeout(self.request_timeout);
                request
            }
        }
    };
}
pub(crate) use unary_client;

/// One HTTP/2 channel to `server` with the time-outs of `options`, its calls carrying the
/// server's token; every unary client ([`QueueClient`], [`AppointmentClient`],
/// [`AdminClient`], [`HistoryClient`]) runs on one.
pub(crate) async fn connect_channel(
    server: &Server,
    options: ConnectOptions,
) -> Result<Connection, ClientError> {
    let credentials = server.credentials()?;
    let endpoint = server.endpoint()?;
    let uri = endpoint.uri().to_string();
    let channel = endpoint
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .connect()
        .await
        .map_err(|err| ClientError::Connect(format!("cannot reach {uri}: {}", chain(&err))))?;
    Ok(tonic::service::interceptor::InterceptedService::new(
        channel,
        credentials,
    ))
}

/// `127.0.0.1:50051` → `http://127.0.0.1:50051`; a URI with a scheme is kept as it is.
pub(crate) fn endpoint_uri(endpoint: &str) -> Result<String, ClientError> {
    let endpoint = endpoint.trim();
    if endpoint.is_empty() {
        return Err(ClientError::Connect("the endpoint is empty".to_owned()));
    }
    if endpoint.contains("://") {
        Ok(endpoint.to_owned())
    } else {
        Ok(format!("http://{endpoint}"))
    }
}

/// An error and its sources, `outer: inner: root`, without repeats.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(err) = next {
        let text = err.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_without_scheme_gets_http() {
        assert_eq!(
            endpoint_uri("127.0.0.1:50051").unwrap(),
            "http://127.0.0.1:50051"
        );
        assert_eq!(
            endpoint_uri(" http://127.0.0.1:50051 ").unwrap(),
            "http://127.0.0.1:50051"
        );
        assert_eq!(
            endpoint_uri("https://q.example:443").unwrap(),
            "https://q.example:443"
        );
        assert!(matches!(endpoint_uri("  "), Err(ClientError::Connect(_))));
    }

    #[tokio::test]
    async fn a_malformed_endpoint_is_a_connect_error() {
        let err = QueueClient::connect("http://exa mple:1").await.unwrap_err();
        assert!(matches!(err, ClientError::Connect(_)), "{err:?}");
    }

    #[tokio::test]
    async fn nobody_listening_is_a_connect_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let err = QueueClient::connect(&addr.to_string()).await.unwrap_err();
        assert!(matches!(err, ClientError::Connect(_)), "{err:?}");
        assert!(
            err.to_string().starts_with("connect: cannot reach http://"),
            "{err}"
        );
    }
}
