//! Tokens on HTTP. The display page, its event stream and the list of display pages take
//! `?token=` (a display token of that branch, or an admin token): a TV's browser opens a URL, and EventSource cannot set
//! headers. `/metrics`, when not open, takes an admin token as `Authorization: Bearer` (what
//! Prometheus sends) or `?token=`. Missing or unknown: 401; another role or branch: 403.

use std::sync::Arc;

use axum::http::HeaderMap;

use super::HttpState;
use super::error::HttpError;
use crate::auth::{self, Principal, Role, Scope};
use crate::domain::BranchId;
use crate::error::QueueError;

/// Whether `token` may open the display of `branch`.
pub fn display(state: &HttpState, branch: &BranchId, token: Option<&str>) -> Result<(), HttpError> {
    let Some(principal) = principal(state, token, "open the page with ?token=<display token>")?
    else {
        return Ok(());
    };
    if !matches!(principal.role, Role::Display | Role::Admin) {
        return Err(denied(&principal, "the display page"));
    }
    auth::check(Some(&principal), Scope::Branch(branch))?;
    Ok(())
}

/// Whether `token` may list the display pages, and which branches it sees: `None` every
/// one (admin, or access control off), `Some(branch)` a display token's own.
pub fn index(state: &HttpState, token: Option<&str>) -> Result<Option<BranchId>, HttpError> {
    let Some(principal) = principal(state, token, "open the page with ?token=<display token>")?
    else {
        return Ok(None);
    };
    match principal.role {
        Role::Admin => Ok(None),
        Role::Display => Ok(principal.branch.clone()),
        _ => Err(denied(&principal, "the display pages")),
    }
}

/// Whether `/metrics` may be read with these headers and `token`.
pub fn metrics(
    state: &HttpState,
    headers: &HeaderMap,
    token: Option<&str>,
) -> Result<(), HttpError> {
    if state.open_metrics {
        return Ok(());
    }
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(auth::layer::bearer);
    let Some(principal) = principal(
        state,
        header.or(token),
        "send `Authorization: Bearer <admin token>`",
    )?
    else {
        return Ok(());
    };
    if principal.role != Role::Admin {
        return Err(denied(&principal, "/metrics"));
    }
    Ok(())
}

/// The principal of `token`; `None` when access control is off.
fn principal(
    state: &HttpState,
    token: Option<&str>,
    hint: &str,
) -> Result<Option<Arc<Principal>>, HttpError> {
    let Some(keys) = &state.keys else {
        return Ok(None);
    };
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| QueueError::Unauthenticated(format!("no token: {hint}")))?;
    let principal = keys
        .find(token)
        .ok_or_else(|| QueueError::Unauthenticated("unknown token".to_owned()))?;
    Ok(Some(principal))
}

fn denied(principal: &Principal, what: &str) -> HttpError {
    HttpError(QueueError::PermissionDenied(format!(
        "token '{}' ({}) may not open {what}",
        principal.name, principal.role
    )))
}
