//! The known tokens, by the SHA-256 of each, and how the service finds them at start-up:
//! configured ones checked against the hall, or the embedded demo's own.

use std::sync::Arc;

use anyhow::bail;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::demo::{self, DemoToken};
use super::{AuthSettings, Principal, TokenEntry};
use crate::hall::Hall;
use crate::records::Db;

/// Every token the service accepts.
#[derive(Debug)]
pub struct Keys {
    entries: Vec<([u8; 32], Arc<Principal>)>,
}

/// What start-up found: the keys (none when access control is off), the demo's tokens to
/// print, and whether `/metrics` is open.
#[derive(Debug)]
pub struct Access {
    pub keys: Option<Arc<Keys>>,
    pub demo: Vec<DemoToken>,
    pub open_metrics: bool,
}

impl Access {
    /// Off: every call allowed.
    pub fn off() -> Self {
        Self {
            keys: None,
            demo: Vec::new(),
            open_metrics: true,
        }
    }
}

/// The keys of `settings`, checked against `hall`; with no token configured, the demo's
/// (SQLite records) or an error (PostgreSQL records: a shared deployment must configure its
/// tokens).
pub async fn prepare(settings: &AuthSettings, hall: &Hall, records: &Db) -> anyhow::Result<Access> {
    if !settings.enabled {
        tracing::warn!("access control is off (auth.enabled: false): every call is allowed");
        return Ok(Access::off());
    }
    let (entries, demo) = if settings.tokens.is_empty() {
        match records {
            Db::Postgres(_) => bail!(
                "auth.tokens is empty: with records.kind postgres the tokens must be configured \
                 (a list of {{name, role, branch?, window?, sha256}}, see the README's \"Access \
                 control\"), or access control turned off with auth.enabled: false"
            ),
            Db::Sqlite(_) => {
                let demo = demo::tokens(hall, records).await?;
                let entries = demo.iter().map(|d| d.entry.clone()).collect::<Vec<_>>();
                (entries, demo)
            }
        }
    } else {
        check_hall(&settings.tokens, hall)?;
        (settings.tokens.clone(), Vec::new())
    };
    tracing::info!(
        tokens = entries.len(),
        demo = !demo.is_empty(),
        "access control on"
    );
    Ok(Access {
        keys: Some(Arc::new(Keys::new(&entries))),
        demo,
        open_metrics: settings.open_metrics,
    })
}

/// Each token's branch and window must be in the hall.
pub fn check_hall(tokens: &[TokenEntry], hall: &Hall) -> anyhow::Result<()> {
    for (i, token) in tokens.iter().enumerate() {
        let Some(branch_id) = &token.branch else {
            continue;
        };
        let Some(branch) = hall.branch(branch_id) else {
            bail!("auth.tokens[{i}].branch: branch '{branch_id}' is not in the hall");
        };
        if let Some(window) = token.window
            && branch.window(window).is_none()
        {
            bail!("auth.tokens[{i}].window: branch '{branch_id}' has no window {window}");
        }
    }
    Ok(())
}

impl Keys {
    pub fn new(tokens: &[TokenEntry]) -> Self {
        let entries = tokens
            .iter()
            .map(|token| {
                let principal = Principal {
                    name: token.name.clone(),
                    role: token.role,
                    branch: token.branch.clone(),
                    window: token.window,
                };
                (token.sha256, Arc::new(principal))
            })
            .collect();
        Self { entries }
    }

    /// The principal of `token`, comparing its hash with every known one in constant time.
    pub fn find(&self, token: &str) -> Option<Arc<Principal>> {
        let hash = sha256(token);
        let mut found = None;
        for (known, principal) in &self.entries {
            if bool::from(known.ct_eq(&hash)) {
                found = Some(principal);
            }
        }
        found.cloned()
    }
}

/// The SHA-256 of a token's text.
pub fn sha256(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
