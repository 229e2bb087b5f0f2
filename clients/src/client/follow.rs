//! `follow_branch`: a branch's board stream that outlives connection losses and service
//! restarts by reconnecting with backoff and resuming after the last event id it saw.

use std::time::Duration;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tonic::Code;

use super::display::{BoardItem, DisplayClient, endpoint_of};
use super::server::Server;
use crate::error::ClientError;

/// The first retry waits this long; each failure in a row doubles it, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// One item of [`follow_branch`].
// Board items are nearly every item; boxing them would only add an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum FollowItem {
    /// The stream is (re)established. `resume_after` is the last event id seen before, if
    /// any: the server sends the missed events, or a snapshot marked `resume_too_old`.
    Connected { resume_after: Option<u64> },
    /// The connection failed or broke; the next attempt starts after `retry_in`.
    Reconnecting {
        error: ClientError,
        retry_in: Duration,
    },
    /// A snapshot or an event of the branch.
    Board(BoardItem),
}

/// The wait before retry number `failures + 1`: 100 ms, 200 ms, 400 ms, … capped at 2 s.
pub fn backoff(failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.min(16));
    FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF)
}

/// Watches `branch` on `endpoint` for as long as the returned stream is polled.
///
/// Starts with [`FollowItem::Connected`] (or [`FollowItem::Reconnecting`] while the service
/// cannot be reached), then [`FollowItem::Board`] items. When the stream fails or ends, it
/// yields `Reconnecting`, waits ([`backoff`]), connects again and resumes after the last
/// event id it yielded, so nothing is missed or repeated across a restart.
///
/// An `Err` is final and ends the stream: the endpoint is malformed, or the service
/// answered that the request can never succeed (invalid_argument, not_found,
/// unimplemented, permission_denied, unauthenticated).
pub fn follow_branch(
    server: impl Into<Server>,
    branch: impl Into<String>,
) -> impl Stream<Item = Result<FollowItem, ClientError>> + Send + 'static {
    let state = Follow {
        server: server.into(),
        branch: branch.into(),
        stream: None,
        last: None,
        failures: 0,
        wait: None,
        done: false,
    };
    futures::stream::unfold(state, Follow::step)
}

type Step = Option<(Result<FollowItem, ClientError>, Follow)>;

struct Follow {
    server: Server,
    branch: String,
    stream: Option<BoxStream<'static, Result<BoardItem, ClientError>>>,
    /// The last event id yielded; the resume point of the next connection.
    last: Option<u64>,
    /// Failed attempts since the last item received.
    failures: u32,
    /// Sleep before the next connection attempt.
    wait: Option<Duration>,
    done: bool,
}

impl Follow {
    async fn step(mut self) -> Step {
        if self.done {
            return None;
        }
        if let Some(stream) = self.stream.as_mut() {
            return match stream.next().await {
                Some(Ok(item)) => {
                    self.last = Some(item.event_id());
                    self.failures = 0;
                    Some((Ok(FollowItem::Board(item)), self))
                }
                Some(Err(error)) => self.broken(error),
                None => self.broken(ClientError::Unavailable(
                    "the service ended the stream".to_owned(),
                )),
            };
        }
        if let Some(wait) = self.wait.take() {
            tokio::time::sleep(wait).await;
        }
        match watch(&self.server, &self.branch, self.last).await {
            Ok(stream) => {
                self.stream = Some(stream);
                let resume_after = self.last;
                Some((Ok(FollowItem::Connected { resume_after }), self))
            }
            Err(error) if is_final(&error) => {
                self.done = true;
                Some((Err(error), self))
            }
            Err(error) => self.broken(error),
        }
    }

    fn broken(mut self, error: ClientError) -> Step {
        self.stream = None;
        let retry_in = backoff(self.failures);
        self.failures = self.failures.saturating_add(1);
        self.wait = Some(retry_in);
        Some((Ok(FollowItem::Reconnecting { error, retry_in }), self))
    }
}

/// Connects and starts the watch; a fresh connection each time, so a restarted service is
/// reached at once.
async fn watch(
    server: &Server,
    branch: &str,
    last: Option<u64>,
) -> Result<BoxStream<'static, Result<BoardItem, ClientError>>, ClientError> {
    // A malformed endpoint (or token) never gets better: report it as invalid, which is final.
    endpoint_of(server)
        .and_then(|_| server.credentials())
        .map_err(|err| ClientError::InvalidArgument(format!("endpoint: {}", err.message())))?;
    let mut client = DisplayClient::connect(server).await?;
    let stream = client.watch_branch(branch, last).await?;
    Ok(stream.boxed())
}

/// Errors that a retry cannot fix.
fn is_final(error: &ClientError) -> bool {
    matches!(
        error.code(),
        Code::InvalidArgument
            | Code::NotFound
            | Code::Unimplemented
            | Code::PermissionDenied
            | Code::Unauthenticated
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_two_seconds() {
        let waits: Vec<u128> = (0..8).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn only_hopeless_errors_are_final() {
        assert!(is_final(&ClientError::NotFound("b".to_owned())));
        assert!(is_final(&ClientError::InvalidArgument("b".to_owned())));
        assert!(!is_final(&ClientError::Unavailable("down".to_owned())));
        assert!(!is_final(&ClientError::Connect("refused".to_owned())));
        assert!(!is_final(&ClientError::Other {
            code: Code::Internal,
            message: String::new()
        }));
    }

    #[tokio::test]
    async fn keeps_trying_while_nobody_listens() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let items: Vec<_> = follow_branch(addr.to_string(), "b").take(2).collect().await;
        let waits: Vec<Duration> = items
            .into_iter()
            .map(|item| match item {
                Ok(FollowItem::Reconnecting { retry_in, .. }) => retry_in,
                other => panic!("expected reconnecting, got {other:?}"),
            })
            .collect();
        assert_eq!(waits, [backoff(0), backoff(1)]);
    }

    #[tokio::test]
    async fn a_malformed_endpoint_is_final() {
        let items: Vec<_> = follow_branch("http://exa mple:1", "b").collect().await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(
            matches!(&items[0], Err(ClientError::InvalidArgument(_))),
            "{items:?}"
        );
    }
}
