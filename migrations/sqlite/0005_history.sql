-- History and ratings (issue 4): the twin of migrations/postgres/0005_history.sql (read its
-- comments): the same tables, keys and checks with SQLite's types. Instants are TEXT in
-- RFC 3339 UTC with microseconds (`2026-11-27T01:00:00.000000Z`), dates TEXT `yyyy-mm-dd`,
-- as written by records::history.

CREATE TABLE ticket_history (
    ticket_id     TEXT NOT NULL CHECK (length(ticket_id) BETWEEN 1 AND 200),
    leg           INTEGER NOT NULL CHECK (leg >= 0),
    branch_id     TEXT NOT NULL,
    local_date    TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    service_id    TEXT NOT NULL,
    number        TEXT NOT NULL,
    priority      TEXT NOT NULL CHECK (priority IN ('normal', 'appointment', 'green_channel')),
    channel       TEXT NOT NULL CHECK (channel IN ('kiosk', 'mobile', 'window', 'api')),
    outcome       TEXT NOT NULL
                  CHECK (outcome IN ('DONE', 'NO_SHOW', 'CANCELLED', 'EXPIRED', 'TRANSFERRED')),
    window_no     INTEGER CHECK (window_no IS NULL OR window_no > 0),
    entered_at    TEXT NOT NULL,
    called_at     TEXT,
    started_at    TEXT,
    ended_at      TEXT NOT NULL,
    recall_count  INTEGER NOT NULL CHECK (recall_count >= 0),
    requeue_count INTEGER NOT NULL CHECK (requeue_count >= 0),
    PRIMARY KEY (ticket_id, leg)
) STRICT;

CREATE INDEX ticket_history_by_branch_day ON ticket_history (branch_id, local_date);

CREATE TABLE ratings (
    ticket_id  TEXT NOT NULL PRIMARY KEY CHECK (length(ticket_id) BETWEEN 1 AND 200),
    branch_id  TEXT NOT NULL,
    local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    overall    INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
    attitude   INTEGER NOT NULL CHECK (attitude BETWEEN 0 AND 5),
    quality    INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 5),
    efficiency INTEGER NOT NULL CHECK (efficiency BETWEEN 0 AND 5),
    integrity  INTEGER NOT NULL CHECK (integrity BETWEEN 0 AND 5),
    comment    TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    rated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX ratings_by_branch_day ON ratings (branch_id, local_date);
