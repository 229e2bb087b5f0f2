-- The hall layout: branches, their services and windows, and which services each window
-- serves (in the window's order). `layout_version` counts saved layouts so that replicas can
-- notice a change. The twin of migrations/postgres/0001_layout.sql: the same tables, keys and
-- checks, with SQLite's types (INTEGER for BIGINT and BOOLEAN, GLOB for the regular
-- expressions). Foreign keys need `PRAGMA foreign_keys = ON`, which records::Db sets.

CREATE TABLE branches (
    id                    TEXT NOT NULL PRIMARY KEY
                          CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^A-Za-z0-9_-]*'),
    name                  TEXT NOT NULL CHECK (name <> ''),
    level                 TEXT NOT NULL CHECK (level IN ('district', 'town', 'village')),
    parent                TEXT REFERENCES branches (id) ON DELETE CASCADE
                          CHECK (parent <> id),
    time_zone             TEXT NOT NULL CHECK (time_zone <> ''),
    english_announcements INTEGER NOT NULL DEFAULT 0 CHECK (english_announcements IN (0, 1))
) STRICT;

CREATE TABLE services (
    branch_id           TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    id                  TEXT NOT NULL
                        CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^A-Za-z0-9_-]*'),
    -- The order of the services in the branch.
    position            INTEGER NOT NULL CHECK (position >= 0),
    name                TEXT NOT NULL CHECK (name <> ''),
    prefix              TEXT NOT NULL
                        CHECK (length(prefix) BETWEEN 1 AND 4 AND prefix NOT GLOB '*[^A-Z]*'),
    daily_limit         INTEGER NOT NULL CHECK (daily_limit BETWEEN 1 AND 4294967295),
    avg_service_seconds INTEGER NOT NULL CHECK (avg_service_seconds >= 1),
    turn_near           INTEGER NOT NULL CHECK (turn_near BETWEEN 0 AND 4294967295),
    recall_limit        INTEGER NOT NULL CHECK (recall_limit BETWEEN 0 AND 4294967295),
    requeue_offset      INTEGER NOT NULL CHECK (requeue_offset BETWEEN 0 AND 4294967295),
    requeue_limit       INTEGER NOT NULL CHECK (requeue_limit BETWEEN 0 AND 4294967295),
    -- Priority classes from first to last, comma-separated: `green_channel,appointment,normal`.
    priority_order      TEXT NOT NULL
                        CHECK (priority_order = ''
                               OR (',' || priority_order || ',') NOT GLOB '*,,*'
                                  AND replace(replace(replace(',' || priority_order || ',',
                                      ',normal,', ',,'), ',appointment,', ',,'),
                                      ',green_channel,', ',,') NOT GLOB '*[^,]*'),
    PRIMARY KEY (branch_id, id),
    UNIQUE (branch_id, prefix),
    UNIQUE (branch_id, position)
) STRICT;

CREATE TABLE windows (
    branch_id TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    number    INTEGER NOT NULL CHECK (number BETWEEN 1 AND 9999),
    -- The order of the windows in the branch.
    position  INTEGER NOT NULL CHECK (position >= 0),
    name      TEXT NOT NULL CHECK (name <> ''),
    -- `strict_order`, `oldest_first` or `ratio:<priority>:<normal>` (both at least 1).
    call_rule TEXT NOT NULL
              CHECK (call_rule IN ('strict_order', 'oldest_first')
                     OR (call_rule GLOB 'ratio:[1-9]*:[1-9]*'
                         AND substr(call_rule, 7) NOT GLOB '*[^0-9:]*'
                         AND substr(call_rule, 7) NOT GLOB '*:*:*')),
    PRIMARY KEY (branch_id, number),
    UNIQUE (branch_id, position)
) STRICT;

CREATE TABLE window_services (
    branch_id     TEXT NOT NULL,
    window_number INTEGER NOT NULL,
    -- The order of the services in the window (the strict_order rule follows it).
    position      INTEGER NOT NULL CHECK (position >= 0),
    service_id    TEXT NOT NULL,
    PRIMARY KEY (branch_id, window_number, position),
    UNIQUE (branch_id, window_number, service_id),
    FOREIGN KEY (branch_id, window_number) REFERENCES windows (branch_id, number) ON DELETE CASCADE,
    FOREIGN KEY (branch_id, service_id) REFERENCES services (branch_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX window_services_by_service ON window_services (branch_id, service_id);

-- One row: bumped by every saved layout.
CREATE TABLE layout_version (
    id      INTEGER NOT NULL PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version INTEGER NOT NULL CHECK (version >= 0)
) STRICT;

INSERT INTO layout_version (id, version) VALUES (1, 0);
