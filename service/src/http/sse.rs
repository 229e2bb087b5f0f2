//! Server-sent events of a branch's board: the framing of one [`WatchItem`] (`id:`,
//! `event:`, `data:` lines), where a reconnecting display resumes from (`Last-Event-ID` or
//! `?after=`), and the body stream with keep-alive comments that ends when the server closes.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use futures::stream::{BoxStream, Stream, StreamExt};
use tokio::sync::watch;

use crate::display::views::WatchItem;
use crate::error::{QueueError, QueueResult};

/// A comment line every this long when nothing else was sent, so that proxies and the TV's
/// network stack keep the connection open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting after the stream ends.
pub const RETRY_MILLIS: u64 = 2000;

/// The header a browser's `EventSource` sends when it reconnects.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// The first chunk of every stream: the reconnection delay.
pub fn preamble() -> Bytes {
    Bytes::from(format!("retry: {RETRY_MILLIS}\n\n"))
}

/// The keep-alive comment; browsers ignore it.
pub fn keep_alive_comment() -> Bytes {
    Bytes::from_static(b": keep-alive\n\n")
}

/// One SSE message: `id: <event id, or a snapshot's last_event_id>`, `event: snapshot|event`,
/// `data: <the item as JSON on one line>`, then a blank line.
pub fn frame(item: &WatchItem) -> serde_json::Result<Bytes> {
    let (id, name) = match item {
        WatchItem::Snapshot(board) => (board.last_event_id, "snapshot"),
        WatchItem::Event(event) => (event.id, "event"),
    };
    // serde_json escapes control characters, so the JSON never holds a raw line break.
    let data = serde_json::to_string(item)?;
    Ok(Bytes::from(format!(
        "id: {id}\nevent: {name}\ndata: {data}\n\n"
    )))
}

/// The event id to resume after: the `Last-Event-ID` header (a browser's own reconnect) wins
/// over `?after=` (the page's reconnect after a failed one); none means start with a snapshot.
/// An empty header counts as absent.
pub fn resume_after(headers: &HeaderMap, after: Option<&str>) -> QueueResult<Option<u64>> {
    if let Some(value) = headers.get(LAST_EVENT_ID) {
        let text = value
            .to_str()
            .map_err(|_| QueueError::invalid("Last-Event-ID", "must be visible ASCII"))?;
        if let Some(id) = parse_event_id("Last-Event-ID", text)? {
            return Ok(Some(id));
        }
    }
    match after {
        Some(text) => parse_event_id("after", text),
        None => Ok(None),
    }
}

fn parse_event_id(field: &'static str, text: &str) -> QueueResult<Option<u64>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QueueError::invalid(field, "must be an event id (digits)"));
    }
    text.parse()
        .map(Some)
        .map_err(|_| QueueError::invalid(field, "is too large for an event id"))
}

/// The response body: the preamble, then one frame per item, a keep-alive comment after
/// `keep_alive` of silence, ending when the items end, when one cannot be framed (the browser
/// then reconnects and resumes, so nothing is skipped) or when `closing` turns true.
pub fn body_stream(
    items: BoxStream<'static, WatchItem>,
    keep_alive: Duration,
    closing: watch::Receiver<bool>,
) -> impl Stream<Item = Bytes> + Send + 'static {
    let frames = futures::stream::unfold(
        (items, closing),
        move |(mut items, mut closing)| async move {
            let next = tokio::select! {
                biased;
                _ = closing.wait_for(|closed| *closed) => return None,
                next = tokio::time::timeout(keep_alive, items.next()) => next,
            };
            let chunk = match next {
                Err(_silence) => keep_alive_comment(),
                Ok(None) => return None,
                Ok(Some(item)) => match frame(&item) {
                    Ok(chunk) => chunk,
                    Err(err) => {
                        tracing::error!(error = %err, "cannot frame a board item; ending the stream");
                        return None;
                    }
                },
            };
            Some((chunk, (items, closing)))
        },
    );
    futures::stream::once(async { preamble() }).chain(frames)
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
