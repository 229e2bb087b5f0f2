-- The embedded live queue's own file: every row of the in-memory queue, so that a restarted
-- service has every ticket it had. Private to the live queue; the durable records
-- (appointments, history, ratings) live under migrations/.
-- Times are RFC 3339 UTC with nanoseconds; days are YYYY-MM-DD in the branch's time zone.

CREATE TABLE IF NOT EXISTS live_tickets (
    id               TEXT    PRIMARY KEY NOT NULL,  -- <branch>.<yyyymmdd>.<number>
    branch           TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    service          TEXT    NOT NULL,
    original_service TEXT,
    state            TEXT    NOT NULL,
    priority         TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    phone            TEXT,                          -- 11 digits, for SMS; never logged
    window_no        INTEGER,
    recall_count     INTEGER NOT NULL,
    requeue_count    INTEGER NOT NULL,
    issued_at        TEXT    NOT NULL,
    called_at        TEXT,
    started_at       TEXT,
    ended_at         TEXT,
    queue_key        REAL    NOT NULL,
    time_key         REAL    NOT NULL,
    -- The current leg (history): 0, +1 per transfer; entered at issue or transfer in (NULL:
    -- issued_at); its first call and the window of its latest call. Files written before
    -- these columns get them from `persist::upgrade`.
    leg              INTEGER NOT NULL DEFAULT 0,
    leg_at           TEXT,
    first_called_at  TEXT,
    called_by        INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS live_windows (
    branch         TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    pause_reason   TEXT,
    current_ticket TEXT,
    ratio_pos      INTEGER NOT NULL,
    PRIMARY KEY (branch, number)
) STRICT;

CREATE TABLE IF NOT EXISTS live_counters (
    branch  TEXT    NOT NULL,
    day     TEXT    NOT NULL,
    service TEXT    NOT NULL,
    issued  INTEGER NOT NULL,
    PRIMARY KEY (branch, day, service)
) STRICT;

CREATE TABLE IF NOT EXISTS live_idempotency_keys (
    branch    TEXT NOT NULL,
    day       TEXT NOT NULL,
    key       TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    PRIMARY KEY (branch, day, key)
) STRICT;

CREATE TABLE IF NOT EXISTS live_service_averages (
    branch TEXT    NOT NULL,
    service TEXT   NOT NULL,
    avg_ms INTEGER NOT NULL,
    PRIMARY KEY (branch, service)
) STRICT;

-- The board events of each branch (hall displays), written in the transaction of the change
-- that emits them; only the last `event_retention` per branch are kept. Columns a kind does not
-- use are NULL: called (ticket, service, window_no, recall_count), window (window_no,
-- window_state, pause_reason, ticket + ticket_state of the ticket it holds), queue (service,
-- waiting).
CREATE TABLE IF NOT EXISTS live_events (
    branch       TEXT    NOT NULL,
    id           INTEGER NOT NULL,                  -- 1, 2, 3, … per branch
    at           TEXT    NOT NULL,
    kind         TEXT    NOT NULL,                  -- called | window | queue
    ticket       TEXT,
    service      TEXT,
    window_no    INTEGER,
    recall_count INTEGER,
    window_state TEXT,
    pause_reason TEXT,
    ticket_state TEXT,
    waiting      INTEGER,
    PRIMARY KEY (branch, id)
) STRICT;

-- The id of each branch's last event, kept when its row is pruned: ids are never reused.
CREATE TABLE IF NOT EXISTS live_event_seq (
    branch  TEXT    PRIMARY KEY NOT NULL,
    last_id INTEGER NOT NULL
) STRICT;

-- The history buffer (store/mod.rs, "History buffer"): one row per ended leg, written in the
-- transaction of the step that ended it, deleted by `history_ack` once the recorder has
-- committed it to the records database. `seq` orders the buffer and is the buffer id.
CREATE TABLE IF NOT EXISTS live_history (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    branch        TEXT    NOT NULL,
    ticket_id     TEXT    NOT NULL,
    leg           INTEGER NOT NULL,
    service       TEXT    NOT NULL,
    priority      TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    outcome       TEXT    NOT NULL,
    window_no     INTEGER,
    entered_at    TEXT    NOT NULL,
    called_at     TEXT,
    started_at    TEXT,
    ended_at      TEXT    NOT NULL,
    recall_count  INTEGER NOT NULL,
    requeue_count INTEGER NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS live_history_by_branch ON live_history (branch, seq);

-- The reminder buffer (store/mod.rs, "Reminder buffer"): intents written in the transaction of
-- the step that finds them, deleted once the SMS relay has put them in the outbox.
-- `live_reminded` is the once-per-ticket flag of turn-near intents; `live_called` counts each
-- ticket's called intents, whose number is `call_no` (files written before it get the column
-- from `persist::upgrade`; their older rows have none).
CREATE TABLE IF NOT EXISTS live_reminders (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    branch    TEXT    NOT NULL,
    kind      TEXT    NOT NULL,                     -- turn_near | called
    ticket_id TEXT    NOT NULL,
    service   TEXT    NOT NULL,
    phone     TEXT    NOT NULL,                     -- 11 digits; never logged
    ahead     INTEGER NOT NULL,
    window_no INTEGER,
    call_no   INTEGER                               -- called: 1, 2, … per ticket
) STRICT;

CREATE TABLE IF NOT EXISTS live_reminded (
    ticket_id TEXT NOT NULL PRIMARY KEY
) STRICT;

CREATE TABLE IF NOT EXISTS live_called (
    ticket_id TEXT    NOT NULL PRIMARY KEY,
    calls     INTEGER NOT NULL
) STRICT;
