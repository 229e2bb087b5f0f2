//! The Lua scripts of the store, one per transition or consistent read; the steps a busy hall
//! makes most (take, call and the steps on a held ticket) share one that runs several at once
//! (`lua/steps.lua`, see `batch.rs`). Each is the shared helpers of `lua/lib.lua`, the event
//! helpers of `lua/emit.lua`, the history helper of `lua/history.lua` and the reminder helpers
//! of `lua/reminders.lua`, followed by its own body; `redis::Script` runs it by EVALSHA and
//! loads it on NOSCRIPT. Every script takes the branch prefix as `KEYS[1]` and the event
//! retention as `ARGV[1]` (see `RedisStore::invoke`).

use std::sync::LazyLock;

use redis::Script;

macro_rules! script {
    ($($file:literal),+) => {
        Script::new(concat!(
            include_str!("lua/lib.lua"),
            include_str!("lua/emit.lua"),
            include_str!("lua/history.lua"),
            include_str!("lua/reminders.lua"),
            $(include_str!(concat!("lua/", $file))),+
        ))
    };
}

pub(super) struct Scripts {
    /// Take, call and the steps on a held ticket, several at once (see `batch.rs`).
    pub steps: Script,
    pub get: Script,
    pub waiting: Script,
    pub cancel: Script,
    pub windows: Script,
    pub services: Script,
    pub set_window: Script,
    pub requeue: Script,
    pub transfer: Script,
    pub expire: Script,
    pub snapshot: Script,
    pub events_after: Script,
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    steps: script!("take.lua", "call.lua", "step.lua", "steps.lua"),
    get: script!("get.lua"),
    waiting: script!("waiting.lua"),
    cancel: script!("cancel.lua"),
    windows: script!("windows.lua"),
    services: script!("services.lua"),
    set_window: script!("set_window.lua"),
    requeue: script!("requeue.lua"),
    transfer: script!("transfer.lua"),
    expire: script!("expire.lua"),
    snapshot: script!("snapshot.lua"),
    events_after: script!("events_after.lua"),
});
