-- History and ratings (issue 4). The SQLite twin (migrations/sqlite/0005_history.sql) has the
-- same tables, keys and checks.
--
-- ticket_history: one row per leg of a ticket (its time in one service: leg 0 in the service
-- it was taken for, +1 per transfer), written by the recorder from the live stores' history
-- buffer. A leg that ended NO_SHOW and was requeued ends again later: the row with the higher
-- requeue_count replaces the earlier (records::history::record), so each row is the leg's
-- real end. local_date is the ticket's service day in the branch's time zone.
CREATE TABLE ticket_history (
    ticket_id     TEXT NOT NULL CHECK (length(ticket_id) BETWEEN 1 AND 200),
    leg           BIGINT NOT NULL CHECK (leg >= 0),
    branch_id     TEXT NOT NULL,
    local_date    DATE NOT NULL,
    service_id    TEXT NOT NULL,
    number        TEXT NOT NULL,
    priority      TEXT NOT NULL CHECK (priority IN ('normal', 'appointment', 'green_channel')),
    channel       TEXT NOT NULL CHECK (channel IN ('kiosk', 'mobile', 'window', 'api')),
    outcome       TEXT NOT NULL
                  CHECK (outcome IN ('DONE', 'NO_SHOW', 'CANCELLED', 'EXPIRED', 'TRANSFERRED')),
    -- The window of the latest call in the leg; NULL when it was never called.
    window_no     BIGINT CHECK (window_no IS NULL OR window_no > 0),
    -- Issue (leg 0) or transfer in.
    entered_at    TIMESTAMPTZ NOT NULL,
    -- The first call in the leg.
    called_at     TIMESTAMPTZ,
    started_at    TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ NOT NULL,
    recall_count  BIGINT NOT NULL CHECK (recall_count >= 0),
    requeue_count BIGINT NOT NULL CHECK (requeue_count >= 0),
    PRIMARY KEY (ticket_id, leg)
);

CREATE INDEX ticket_history_by_branch_day ON ticket_history (branch_id, local_date);

-- ratings: the citizen's 好差评 of a served ticket, one per ticket. overall 1–5; the four
-- aspects 0 (not rated) or 1–5.
CREATE TABLE ratings (
    ticket_id  TEXT PRIMARY KEY CHECK (length(ticket_id) BETWEEN 1 AND 200),
    branch_id  TEXT NOT NULL,
    local_date DATE NOT NULL,
    overall    BIGINT NOT NULL CHECK (overall BETWEEN 1 AND 5),
    attitude   BIGINT NOT NULL CHECK (attitude BETWEEN 0 AND 5),
    quality    BIGINT NOT NULL CHECK (quality BETWEEN 0 AND 5),
    efficiency BIGINT NOT NULL CHECK (efficiency BETWEEN 0 AND 5),
    integrity  BIGINT NOT NULL CHECK (integrity BETWEEN 0 AND 5),
    comment    TEXT NOT NULL DEFAULT '' CHECK (char_length(comment) <= 500),
    rated_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX ratings_by_branch_day ON ratings (branch_id, local_date);
