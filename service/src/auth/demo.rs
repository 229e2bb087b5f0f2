//! The embedded demo's tokens: with SQLite records and no token configured, one token per
//! role (`admin`, `booking`, a `kiosk-<branch>` and a `display-<branch>` per branch, a
//! `terminal-<branch>-<window>` per window), made on first start and kept in the records
//! file (`records_settings` row `demo_tokens`: a JSON object of name → token), so that they
//! stay the same across restarts; a branch or window added later gets its tokens at the next
//! start. The binary prints them at every start.

use std::collections::BTreeMap;

use anyhow::Context;

use std::fmt;

use super::keys::sha256;
use super::settings::hex;
use super::{Role, TokenEntry};
use crate::hall::Hall;
use crate::records::{Db, settings_table};

/// One demo token: its entry and the token itself (to print).
#[derive(Clone)]
pub struct DemoToken {
    pub entry: TokenEntry,
    pub token: String,
}

impl fmt::Debug for DemoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoToken")
            .field("entry", &self.entry)
            .field("token", &"****")
            .finish()
    }
}

impl DemoToken {
    /// `name=kiosk-north role=kiosk branch=north token=…`: the line the binary prints.
    pub fn line(&self) -> String {
        let entry = &self.entry;
        let mut line = format!("name={} role={}", entry.name, entry.role);
        if let Some(branch) = &entry.branch {
            line.push_str(&format!(" branch={branch}"));
        }
        if let Some(window) = entry.window {
            line.push_str(&format!(" window={window}"));
        }
        line.push_str(&format!(" token={}", self.token));
        line
    }
}

/// The demo's tokens for the hall as it is: the stored ones, and new ones for what has none.
pub async fn tokens(hall: &Hall, records: &Db) -> anyhow::Result<Vec<DemoToken>> {
    let mut wanted = vec![
        (Role::Admin, "admin".to_owned(), None, None),
        (Role::Booking, "booking".to_owned(), None, None),
    ];
    for (id, branch) in &hall.branches {
        wanted.push((Role::Kiosk, format!("kiosk-{id}"), Some(id.clone()), None));
        wanted.push((
            Role::Display,
            format!("display-{id}"),
            Some(id.clone()),
            None,
        ));
        for window in &branch.windows {
            wanted.push((
                Role::Terminal,
                format!("terminal-{id}-{}", window.number),
                Some(id.clone()),
                Some(window.number),
            ));
        }
    }
    let mut stored: BTreeMap<String, String> = match settings_table::get(records, ROW).await? {
        Some(json) => serde_json::from_str(&json).context("the stored demo tokens are not JSON")?,
        None => BTreeMap::new(),
    };
    let mut added = false;
    let mut out = Vec::with_capacity(wanted.len());
    for (role, name, branch, window) in wanted {
        let token = stored
            .entry(name.clone())
            .or_insert_with(|| {
                added = true;
                new_token()
            })
            .clone();
        out.push(DemoToken {
            entry: TokenEntry {
                name,
                role,
                branch,
                window,
                sha256: sha256(&token),
            },
            token,
        });
    }
    if added {
        let json = serde_json::to_string(&stored).context("writing the demo tokens as JSON")?;
        settings_table::put(records, ROW, &json).await?;
    }
    Ok(out)
}

/// The `records_settings` row of the demo tokens.
const ROW: &str = "demo_tokens";

/// 24 random bytes in hex, as `openssl rand -hex 24` makes them.
pub fn new_token() -> String {
    hex(&rand::random::<[u8; 24]>())
}
