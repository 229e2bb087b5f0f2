//! The `auth` section: `enabled` (default true), `open_metrics` (default true: `/metrics`
//! needs no token) and `tokens`, a list of `{name, role, branch?, window?, sha256}` where
//! `sha256` is the hex SHA-256 of the token. The token itself is never configured, stored or
//! logged. Each entry is checked on its own here (an error names `auth.tokens[i].<field>`);
//! that its branch and window exist is checked against the hall at start-up (`keys`).

use std::fmt;

use serde::Deserialize;

use super::Role;
use crate::domain::{BranchId, WindowNo};

/// The longest token name.
const MAX_NAME_CHARS: usize = 64;

/// `auth.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawAuth")]
pub struct AuthSettings {
    /// Off: every call is allowed without a token (a closed network, a test bench).
    pub enabled: bool,
    /// `/metrics` answers without a token (else it needs an admin token).
    pub open_metrics: bool,
    pub tokens: Vec<TokenEntry>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            open_metrics: true,
            tokens: Vec::new(),
        }
    }
}

/// One configured token: who it is and the SHA-256 of the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenEntry {
    pub name: String,
    pub role: Role,
    pub branch: Option<BranchId>,
    pub window: Option<WindowNo>,
    pub sha256: [u8; 32],
}

impl fmt::Debug for TokenEntry {
    // The hash is no secret, but a log needs only enough of it to tell two entries apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEntry")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("branch", &self.branch)
            .field("window", &self.window)
            .field("sha256", &format!("{}…", hex(&self.sha256[..4])))
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawAuth {
    enabled: bool,
    open_metrics: bool,
    tokens: Vec<RawToken>,
}

impl Default for RawAuth {
    fn default() -> Self {
        Self {
            enabled: true,
            open_metrics: true,
            tokens: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    name: String,
    role: String,
    branch: Option<String>,
    window: Option<u32>,
    sha256: String,
}

impl TryFrom<RawAuth> for AuthSettings {
    type Error = String;

    fn try_from(raw: RawAuth) -> Result<Self, String> {
        let mut tokens: Vec<TokenEntry> = Vec::with_capacity(raw.tokens.len());
        for (i, token) in raw.tokens.into_iter().enumerate() {
            let entry = token.check(i)?;
            for (j, earlier) in tokens.iter().enumerate() {
                if earlier.sha256 == entry.sha256 {
                    return Err(format!(
                        "auth.tokens[{i}].sha256: the same hash as auth.tokens[{j}]; each token must be its own"
                    ));
                }
                let same_grant = earlier.role == entry.role
                    && earlier.branch == entry.branch
                    && earlier.window == entry.window;
                if earlier.name == entry.name && !same_grant {
                    return Err(format!(
                        "auth.tokens[{i}].name: '{}' is also auth.tokens[{j}] with another role or scope; \
                         two entries share a name only while a token is rotated, with the same role and scope",
                        entry.name
                    ));
                }
            }
            tokens.push(entry);
        }
        Ok(Self {
            enabled: raw.enabled,
            open_metrics: raw.open_metrics,
            tokens,
        })
    }
}

impl RawToken {
    fn check(self, i: usize) -> Result<TokenEntry, String> {
        let field = |name: &str| format!("auth.tokens[{i}].{name}");
        let name = self.name.trim().to_owned();
        let name_ok = !name.is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !name_ok {
            return Err(format!(
                "{}: '{name}' must be 1 to {MAX_NAME_CHARS} letters, digits, '-', '_', '.' or ':'",
                field("name")
            ));
        }
        let role = Role::parse(self.role.trim()).ok_or_else(|| {
            format!(
                "{}: '{}' is not a role; one of terminal, kiosk, display, booking, admin",
                field("role"),
                self.role
            )
        })?;
        let branch = match &self.branch {
            Some(raw) => Some(
                BranchId::parse("branch", raw)
                    .map_err(|err| format!("{}: {err}", field("branch")))?,
            ),
            None => None,
        };
        let window = match self.window {
            Some(raw) => Some(
                WindowNo::parse("window", raw)
                    .map_err(|err| format!("{}: {err}", field("window")))?,
            ),
            None => None,
        };
        match role {
            Role::Terminal | Role::Kiosk | Role::Display if branch.is_none() => {
                return Err(format!(
                    "{}: a {role} token needs its branch",
                    field("branch")
                ));
            }
            Role::Terminal if window.is_none() => {
                return Err(format!(
                    "{}: a terminal token needs its window",
                    field("window")
                ));
            }
            Role::Kiosk | Role::Display | Role::Booking | Role::Admin if window.is_some() => {
                return Err(format!(
                    "{}: only a terminal token has a window, not a {role} token",
                    field("window")
                ));
            }
            Role::Booking | Role::Admin if branch.is_some() => {
                return Err(format!(
                    "{}: a {role} token acts on every branch and has no branch",
                    field("branch")
                ));
            }
            _ => {}
        }
        let sha256 = parse_sha256(self.sha256.trim()).ok_or_else(|| {
            format!(
                "{}: must be the 64 hex digits of the token's SHA-256 (`printf %s \"$token\" | sha256sum`)",
                field("sha256")
            )
        })?;
        Ok(TokenEntry {
            name,
            role,
            branch,
            window,
            sha256,
        })
    }
}

/// 64 hex digits (either case) as 32 bytes.
pub fn parse_sha256(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 || !bytes.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
