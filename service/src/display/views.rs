//! What a hall display receives: the board as a whole ([`BoardView`]) and each change on it
//! ([`EventView`]). These are the JSON of the web display's server-sent events and are
//! converted to `queuecall.v1` messages by the gRPC adapter. A display never receives a phone
//! number, not even masked: no view has a field for one.

use serde::{Deserialize, Serialize};

/// One item of a branch watch: the whole board, or one change on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WatchItem {
    Snapshot(BoardView),
    Event(EventView),
}

impl WatchItem {
    /// The event id the display has seen once it has this item: the event's id, or the id
    /// the snapshot reflects.
    pub fn last_event_id(&self) -> u64 {
        match self {
            Self::Snapshot(board) => board.last_event_id,
            Self::Event(event) => event.id,
        }
    }
}

/// Why a snapshot was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotReason {
    /// The watch started without a resume id.
    Initial,
    /// The resume id is older than the retained events, or unknown.
    ResumeTooOld,
    /// The display read too slowly and fell behind.
    FellBehind,
}

/// A branch's board as of `last_event_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    /// Events after this id follow the snapshot.
    pub last_event_id: u64,
    pub reason: SnapshotReason,
    pub branch_id: String,
    pub branch_name: String,
    /// `YYYY-MM-DD` in the branch's time zone.
    pub service_day: String,
    /// In hall order.
    pub windows: Vec<WindowView>,
    /// In hall order.
    pub services: Vec<ServiceView>,
    /// The latest calls, oldest first.
    pub recent_calls: Vec<CallView>,
}

/// A window's state and the ticket it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowView {
    pub number: u32,
    /// From the hall layout: 「综合窗口」.
    pub name: String,
    /// `open`, `paused` or `closed`.
    pub state: String,
    pub pause_reason: Option<String>,
    pub ticket_id: Option<String>,
    /// `A023`.
    pub ticket_number: Option<String>,
    /// `called` or `serving`.
    pub ticket_state: Option<String>,
}

/// A service's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub waiting: u32,
    /// For a ticket taken now.
    pub estimated_wait_seconds: u32,
}

/// A ticket called (or recalled) to a window, with what the hall shows and speaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub ticket_id: String,
    pub number: String,
    pub service_id: String,
    pub window: u32,
    /// From the hall layout.
    pub window_name: String,
    /// 0 for the first call; N for the N-th recall.
    pub recall_count: u32,
    pub announcement: AnnouncementView,
    /// RFC 3339.
    pub at: String,
}

/// What the hall shows and speaks for a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementView {
    /// 「请A023号到5号窗口办理」.
    pub text: String,
    /// The same spelled for a zh-CN speech engine: 「请 A 零 二 三 号，到 五 号窗口办理」.
    pub speech: String,
    /// "Number A023, please go to window 5." when the branch announces in English; else "".
    pub english: String,
}

/// One change on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// Grows by one per event of the branch.
    pub id: u64,
    /// RFC 3339.
    pub at: String,
    #[serde(flatten)]
    pub kind: EventViewKind,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventViewKind {
    Called { call: CallView },
    WindowChanged { window: WindowView },
    QueueChanged { service_id: String, waiting: u32 },
}
