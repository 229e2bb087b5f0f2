//! The handlers: each parses what the request names, asks the hall or the display module,
//! and answers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use futures::StreamExt;
use serde::Deserialize;

use super::error::HttpError;
use super::{HttpState, access, page, sse};
use crate::domain::BranchId;
use crate::error::QueueError;
use crate::hall::Branch;
use crate::health::Readiness;

/// `GET /healthz`: 200 `ok` while serving; 503 once a stop was asked for or while the live
/// store or the records database does not answer (the body says which).
pub async fn healthz(State(state): State<HttpState>) -> (StatusCode, String) {
    let readiness = state.readiness.borrow().clone();
    match readiness {
        Readiness::Serving => (StatusCode::OK, "ok\n".to_owned()),
        Readiness::Stopping => (StatusCode::SERVICE_UNAVAILABLE, "stopping\n".to_owned()),
        Readiness::Unreachable(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unreachable: {why}\n"),
        ),
    }
}

/// `GET /livez`: 200 while the process serves HTTP at all (a liveness probe; Redis or the
/// records database being down is `/healthz`'s business, not a reason to restart).
pub async fn livez() -> (StatusCode, &'static str) {
    (StatusCode::OK, "alive\n")
}

/// `?token=`: the display page's (and, when not open, `/metrics`') access token.
#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /metrics`: Prometheus text (see [`crate::metrics`]); 404 when not served.
pub async fn metrics(
    State(state): State<HttpState>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(err) = access::metrics(&state, &headers, query.token.as_deref()) {
        return err.into_response();
    }
    let Some((metrics, records)) = state.metrics.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let readiness = state.readiness.borrow().clone();
    let text = metrics.render(&state.queue, records, &readiness).await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// `GET /`: the list of display pages (keeping `?token=`).
pub async fn home(RawQuery(query): RawQuery) -> Redirect {
    match query {
        Some(query) => Redirect::to(&format!("/display?{query}")),
        None => Redirect::to("/display"),
    }
}

/// `GET /display?token=…`: a link to each branch's page the token may open, carrying it.
pub async fn branches(
    State(state): State<HttpState>,
    Query(query): Query<TokenQuery>,
) -> Result<Html<String>, HttpError> {
    let only = access::index(&state, query.token.as_deref())?;
    let hall = state.queue.hall();
    Ok(Html(page::index(
        &hall,
        only.as_ref(),
        query.token.as_deref(),
    )))
}

/// `GET /display/{branch}?token=…`: the page.
pub async fn display_page(
    State(state): State<HttpState>,
    Path(branch): Path<String>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, HttpError> {
    let branch = find_allowed_branch(&state, &branch, query.token.as_deref())?;
    let html = page::render(&branch, state.clock.now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            // The URL carries the token: never pass it on as a referrer.
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    after: Option<String>,
    token: Option<String>,
}

/// `GET /display/{branch}/events?token=…`: the board as server-sent events, resuming after
/// `Last-Event-ID` or `?after=`.
pub async fn display_events(
    State(state): State<HttpState>,
    Path(branch): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let branch = find_allowed_branch(&state, &branch, query.token.as_deref())?;
    let after = sse::resume_after(&headers, query.after.as_deref())?;
    let items = state.display.watch_branch(&branch.id, after).await?;
    tracing::debug!(branch = %branch.id, after = ?after, "display connected over http");
    let body = sse::body_stream(items, sse::KEEP_ALIVE, state.closing.clone())
        .map(Ok::<_, std::convert::Infallible>);
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // A reverse proxy (nginx) must pass each event on at once.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// The branch a path names, when `token` may display it; a malformed id is as unknown as a
/// missing one.
fn find_allowed_branch(
    state: &HttpState,
    raw: &str,
    token: Option<&str>,
) -> Result<Arc<Branch>, HttpError> {
    let unknown = || HttpError(QueueError::not_found("branch", raw));
    let id = BranchId::parse("branch", raw).map_err(|_| unknown())?;
    access::display(state, &id, token)?;
    state.queue.hall().branch(&id).cloned().ok_or_else(unknown)
}
