//! The Lua scripts of the store, one per transition or consistent read. Each is the shared
//! helpers of `lua/lib.lua`, the event helpers of `lua/emit.lua` and the history helper of
//! `lua/history.lua` and the reminder helpers of `lua/reminders.lua`, followed by its own body;
//! `redis::Script` runs it by EVALSHA and loads it on NOSCRIPT. Every script takes the branch
//! prefix as `KEYS[1]` and the event retention as `ARGV[1]` (see `RedisStore::invoke`).

use std::sync::LazyLock;

use redis::Script;

macro_rules! script {
    ($file:literal) => {
        Script::new(concat!(
            include_str!("lua/lib.lua"),
            include_str!("lua/emit.lua"),
            include_str!("lua/history.lua"),
            include_str!("lua/reminders.lua"),
            include_str!(concat!("lua/", $file))
        ))
    };
}

pub(super) struct Scripts {
    pub take: Script,
    pub get: Script,
    pub waiting: Script,
    pub cancel: Script,
    pub windows: Script,
    pub services: Script,
    pub set_window: Script,
    pub call: Script,
    pub step: Script,
    pub requeue: Script,
    pub transfer: Script,
    pub expire: Script,
    pub snapshot: Script,
    pub events_after: Script,
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    take: script!("take.lua"),
    get: script!("get.lua"),
    waiting: script!("waiting.lua"),
    cancel: script!("cancel.lua"),
    windows: script!("windows.lua"),
    services: script!("services.lua"),
    set_window: script!("set_window.lua"),
    call: script!("call.lua"),
    step: script!("step.lua"),
    requeue: script!("requeue.lua"),
    transfer: script!("transfer.lua"),
    expire: script!("expire.lua"),
    snapshot: script!("snapshot.lua"),
    events_after: script!("events_after.lua"),
});
