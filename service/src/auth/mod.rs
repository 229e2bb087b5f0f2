//! Access control. Every gRPC call (and the HTTP display page, its event stream and, when
//! configured, `/metrics`) carries a bearer token; the service knows only the SHA-256 of each
//! token (`auth.tokens`, see `settings`), with the role and scope it grants:
//!
//! | role       | scope            | may call                                                   |
//! |------------|------------------|------------------------------------------------------------|
//! | `terminal` | branch + window  | that window's steps; Requeue, GetTicket, ListWaiting, GetBranch in its branch |
//! | `kiosk`    | branch           | TakeTicket, CheckIn, GetTicket, GetBranch, ListAvailableSlots |
//! | `display`  | branch           | WatchBranch, WatchTicket, GetBranch; the HTTP display page   |
//! | `booking`  | any branch       | every AppointmentService RPC                              |
//! | `admin`    | everything       | everything, AdminService and HistoryService included      |
//!
//! The check is in two steps. The tower layer (`layer`) finds the token's [`Principal`]
//! (UNAUTHENTICATED when there is none or it is unknown) and refuses a role that may never
//! call the method (`methods`, PERMISSION_DENIED). The handler, once it has parsed the
//! request, asks [`require`] whether the principal's scope covers the branch or window the
//! request names (PERMISSION_DENIED naming both). Health and reflection are open.
//!
//! The embedded demo (SQLite records, no tokens configured) makes its own tokens (`demo`).

pub mod demo;
pub mod keys;
pub mod layer;
pub mod methods;
pub mod settings;

use std::fmt;
use std::sync::Arc;

use crate::domain::{BranchId, WindowNo};
use crate::error::{QueueError, QueueResult};

pub use keys::Keys;
pub use layer::AuthLayer;
pub use settings::{AuthSettings, TokenEntry};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// One window of one branch.
    Terminal,
    /// Takes tickets and checks appointments in, at one branch.
    Kiosk,
    /// Watches one branch, read only.
    Display,
    /// Every AppointmentService RPC, for other systems.
    Booking,
    /// Everything.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Terminal,
        Role::Kiosk,
        Role::Display,
        Role::Booking,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Terminal => "terminal",
            Self::Kiosk => "kiosk",
            Self::Display => "display",
            Self::Booking => "booking",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is calling: the configured token's name (shared by an old and a new token while one
/// is rotated), its role and its scope. In the request extensions of every authenticated call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    /// Terminal, kiosk, display: the branch.
    pub branch: Option<BranchId>,
    /// Terminal: the window.
    pub window: Option<WindowNo>,
}

impl Principal {
    /// Whether this principal may act on `scope` (the role already passed the method table).
    pub fn covers(&self, scope: Scope<'_>) -> bool {
        match self.role {
            Role::Admin | Role::Booking => true,
            Role::Kiosk | Role::Display => {
                matches!(scope, Scope::Branch(branch) if self.branch.as_ref() == Some(branch))
            }
            Role::Terminal => {
                let (branch, window) = match scope {
                    Scope::Branch(branch) => (branch, None),
                    Scope::Window(branch, window) => (branch, Some(window)),
                };
                self.branch.as_ref() == Some(branch)
                    && window.is_none_or(|w| self.window == Some(w))
            }
        }
    }

    /// What this principal's scope is, in words: `window 3 of branch 'north'`.
    pub fn scope_text(&self) -> String {
        match (&self.branch, self.window) {
            (Some(branch), Some(window)) => format!("window {window} of branch '{branch}'"),
            (Some(branch), None) => format!("branch '{branch}'"),
            _ => "every branch".to_owned(),
        }
    }
}

/// What a request acts on, named by the handler after parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Anything in one branch (a ticket, a list, a stream).
    Branch(&'a BranchId),
    /// One window of one branch (its state, its calls, its ticket).
    Window(&'a BranchId, WindowNo),
}

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Branch(branch) => write!(f, "branch '{branch}'"),
            Self::Window(branch, window) => write!(f, "window {window} of branch '{branch}'"),
        }
    }
}

/// The caller of `request`, when access control is on.
pub fn principal<T>(request: &tonic::Request<T>) -> Option<&Principal> {
    request
        .extensions()
        .get::<Arc<Principal>>()
        .map(|principal| &**principal)
}

/// PERMISSION_DENIED unless the caller's scope covers `scope`. Without a principal (access
/// control off) everything is allowed.
pub fn require<T>(request: &tonic::Request<T>, scope: Scope<'_>) -> QueueResult<()> {
    check(principal(request), scope)
}

/// As [`require`], for a principal found elsewhere (the HTTP routes).
pub fn check(principal: Option<&Principal>, scope: Scope<'_>) -> QueueResult<()> {
    match principal {
        Some(principal) if !principal.covers(scope) => Err(QueueError::PermissionDenied(format!(
            "token '{}' ({}) may act on {} only, not on {scope}",
            principal.name,
            principal.role,
            principal.scope_text()
        ))),
        _ => Ok(()),
    }
}

/// Who a per-client rate limit counts: the token's name when there is one (the same client
/// behind a proxy or on several addresses), else the peer's IP address.
pub fn client_key<T>(request: &tonic::Request<T>) -> Option<String> {
    match principal(request) {
        Some(principal) => Some(format!("token:{}", principal.name)),
        None => request.remote_addr().map(|peer| peer.ip().to_string()),
    }
}

#[cfg(test)]
mod tests;
