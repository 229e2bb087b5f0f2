-- Layout additions (issue 4): the twin of migrations/postgres/0003_layout_appointments.sql
-- (read its comments): the same tables, keys and checks with SQLite's types.

CREATE TABLE service_appointments (
    branch_id               TEXT NOT NULL,
    service_id              TEXT NOT NULL,
    weekdays                INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    slot_minutes            INTEGER NOT NULL CHECK (slot_minutes BETWEEN 1 AND 1440),
    capacity                INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 4294967295),
    open_ahead_days         INTEGER NOT NULL CHECK (open_ahead_days BETWEEN 0 AND 366),
    same_day_cutoff_minutes INTEGER NOT NULL CHECK (same_day_cutoff_minutes BETWEEN 0 AND 1440),
    max_active_per_person   INTEGER NOT NULL CHECK (max_active_per_person BETWEEN 1 AND 4294967295),
    max_per_day             INTEGER NOT NULL CHECK (max_per_day BETWEEN 1 AND 4294967295),
    max_per_week            INTEGER NOT NULL CHECK (max_per_week BETWEEN 1 AND 4294967295),
    no_show_limit           INTEGER NOT NULL CHECK (no_show_limit BETWEEN 0 AND 4294967295),
    no_show_window_days     INTEGER NOT NULL CHECK (no_show_window_days BETWEEN 1 AND 4294967295),
    suspension_days         INTEGER NOT NULL CHECK (suspension_days BETWEEN 1 AND 4294967295),
    cancel_before_minutes   INTEGER NOT NULL CHECK (cancel_before_minutes BETWEEN 0 AND 4294967295),
    check_in_before_minutes INTEGER NOT NULL CHECK (check_in_before_minutes BETWEEN 0 AND 4294967295),
    check_in_after_minutes  INTEGER NOT NULL CHECK (check_in_after_minutes BETWEEN 0 AND 4294967295),
    CHECK (max_per_day <= max_per_week),
    PRIMARY KEY (branch_id, service_id),
    FOREIGN KEY (branch_id, service_id) REFERENCES services (branch_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE service_time_ranges (
    branch_id    TEXT NOT NULL,
    service_id   TEXT NOT NULL,
    position     INTEGER NOT NULL CHECK (position >= 0),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute),
    PRIMARY KEY (branch_id, service_id, position),
    FOREIGN KEY (branch_id, service_id)
        REFERENCES service_appointments (branch_id, service_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE calendar_years (
    branch_id TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    year      INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    PRIMARY KEY (branch_id, year)
) STRICT;

CREATE TABLE calendar_days (
    branch_id TEXT NOT NULL,
    year      INTEGER NOT NULL,
    day       TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    kind      TEXT NOT NULL CHECK (kind IN ('holiday', 'make_up')),
    follows   TEXT CHECK (follows IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')),
    CHECK ((kind = 'holiday' AND follows IS NULL) OR (kind = 'make_up' AND follows IS NOT NULL)),
    CHECK (CAST(substr(day, 1, 4) AS INTEGER) = year),
    PRIMARY KEY (branch_id, day),
    FOREIGN KEY (branch_id, year) REFERENCES calendar_years (branch_id, year) ON DELETE CASCADE
) STRICT;

CREATE TABLE records_settings (
    name  TEXT NOT NULL PRIMARY KEY
          CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^a-z0-9_]*'),
    value TEXT NOT NULL
) STRICT;
