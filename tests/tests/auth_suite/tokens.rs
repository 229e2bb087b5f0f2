//! The tokens of the access-control tests and the `auth` settings that configure them.

use queuecall_tests::{
    BRANCH, TEST_ADMIN_NAME, TEST_ADMIN_TOKEN, VILLAGE, WINDOW_SOCIAL, token_sha256,
};
use serde_yaml::{Mapping, Value};

/// Window 4 (social security) of the test branch.
pub const TERMINAL: &str = "terminal-token-1d0b9f3e";
/// The test branch's kiosk.
pub const KIOSK: &str = "kiosk-token-7a2c4e6f";
/// The test branch's display.
pub const DISPLAY: &str = "display-token-5b8d0a1c";
/// The village's display.
pub const VILLAGE_DISPLAY: &str = "display-token-village-3c5e7a9b";
pub const BOOKING: &str = "booking-token-9e1f3a5c";
/// Two tokens of one kiosk while it is rotated: old and new, same name.
pub const ROTATED_OLD: &str = "rotated-old-2f4a6c8e";
pub const ROTATED_NEW: &str = "rotated-new-8e6c4a2f";
/// A token nobody configured.
pub const UNKNOWN: &str = "no-such-token-0000";

fn entry(name: &str, role: &str, branch: Option<&str>, window: Option<u32>, token: &str) -> Value {
    let mut map = Mapping::new();
    map.insert("name".into(), name.into());
    map.insert("role".into(), role.into());
    if let Some(branch) = branch {
        map.insert("branch".into(), branch.into());
    }
    if let Some(window) = window {
        map.insert("window".into(), window.into());
    }
    map.insert("sha256".into(), token_sha256(token).into());
    Value::Mapping(map)
}

/// `auth: {tokens: […]}` with every token above and the test admin token, and `extra`
/// beside `tokens` (for example `open_metrics: false`).
pub fn settings(extra: &[(&str, Value)]) -> Mapping {
    let tokens = vec![
        entry(TEST_ADMIN_NAME, "admin", None, None, TEST_ADMIN_TOKEN),
        entry(
            "terminal-4",
            "terminal",
            Some(BRANCH),
            Some(WINDOW_SOCIAL),
            TERMINAL,
        ),
        entry("kiosk", "kiosk", Some(BRANCH), None, KIOSK),
        entry("display", "display", Some(BRANCH), None, DISPLAY),
        entry(
            "village-display",
            "display",
            Some(VILLAGE),
            None,
            VILLAGE_DISPLAY,
        ),
        entry("booking", "booking", None, None, BOOKING),
        entry("kiosk-rotated", "kiosk", Some(BRANCH), None, ROTATED_OLD),
        entry("kiosk-rotated", "kiosk", Some(BRANCH), None, ROTATED_NEW),
    ];
    let mut auth = Mapping::new();
    auth.insert("tokens".into(), Value::Sequence(tokens));
    for (key, value) in extra {
        auth.insert((*key).into(), value.clone());
    }
    let mut root = Mapping::new();
    root.insert("auth".into(), Value::Mapping(auth));
    root
}
