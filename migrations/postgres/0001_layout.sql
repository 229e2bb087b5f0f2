-- The hall layout: branches, their services and windows, and which services each window
-- serves (in the window's order). `layout_version` counts saved layouts so that replicas can
-- notice a change. The SQLite twin (migrations/sqlite/0001_layout.sql) has the same tables,
-- keys and checks with SQLite's types.

CREATE TABLE branches (
    id                    TEXT PRIMARY KEY
                          CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    name                  TEXT NOT NULL CHECK (name <> ''),
    level                 TEXT NOT NULL CHECK (level IN ('district', 'town', 'village')),
    parent                TEXT REFERENCES branches (id) ON DELETE CASCADE
                          CHECK (parent <> id),
    time_zone             TEXT NOT NULL CHECK (time_zone <> ''),
    english_announcements BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE services (
    branch_id           TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    id                  TEXT NOT NULL CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    -- The order of the services in the branch.
    position            BIGINT NOT NULL CHECK (position >= 0),
    name                TEXT NOT NULL CHECK (name <> ''),
    prefix              TEXT NOT NULL CHECK (prefix ~ '^[A-Z]{1,4}$'),
    daily_limit         BIGINT NOT NULL CHECK (daily_limit BETWEEN 1 AND 4294967295),
    avg_service_seconds BIGINT NOT NULL CHECK (avg_service_seconds >= 1),
    turn_near           BIGINT NOT NULL CHECK (turn_near BETWEEN 0 AND 4294967295),
    recall_limit        BIGINT NOT NULL CHECK (recall_limit BETWEEN 0 AND 4294967295),
    requeue_offset      BIGINT NOT NULL CHECK (requeue_offset BETWEEN 0 AND 4294967295),
    requeue_limit       BIGINT NOT NULL CHECK (requeue_limit BETWEEN 0 AND 4294967295),
    -- Priority classes from first to last, comma-separated: `green_channel,appointment,normal`.
    priority_order      TEXT NOT NULL
                        CHECK (priority_order ~ '^((normal|appointment|green_channel)(,(normal|appointment|green_channel))*)?$'),
    PRIMARY KEY (branch_id, id),
    UNIQUE (branch_id, prefix),
    UNIQUE (branch_id, position)
);

CREATE TABLE windows (
    branch_id TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    number    BIGINT NOT NULL CHECK (number BETWEEN 1 AND 9999),
    -- The order of the windows in the branch.
    position  BIGINT NOT NULL CHECK (position >= 0),
    name      TEXT NOT NULL CHECK (name <> ''),
    -- `strict_order`, `oldest_first` or `ratio:<priority>:<normal>` (both at least 1).
    call_rule TEXT NOT NULL
              CHECK (call_rule IN ('strict_order', 'oldest_first')
                     OR call_rule ~ '^ratio:[1-9][0-9]{0,8}:[1-9][0-9]{0,8}$'),
    PRIMARY KEY (branch_id, number),
    UNIQUE (branch_id, position)
);

CREATE TABLE window_services (
    branch_id     TEXT NOT NULL,
    window_number BIGINT NOT NULL,
    -- The order of the services in the window (the strict_order rule follows it).
    position      BIGINT NOT NULL CHECK (position >= 0),
    service_id    TEXT NOT NULL,
    PRIMARY KEY (branch_id, window_number, position),
    UNIQUE (branch_id, window_number, service_id),
    FOREIGN KEY (branch_id, window_number) REFERENCES windows (branch_id, number) ON DELETE CASCADE,
    FOREIGN KEY (branch_id, service_id) REFERENCES services (branch_id, id) ON DELETE CASCADE
);

CREATE INDEX window_services_by_service ON window_services (branch_id, service_id);

-- One row: bumped by every saved layout.
CREATE TABLE layout_version (
    id      SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version BIGINT NOT NULL CHECK (version >= 0)
);

INSERT INTO layout_version (id, version) VALUES (1, 0);
