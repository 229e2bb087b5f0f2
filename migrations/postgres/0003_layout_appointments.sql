-- Layout additions (issue 4): each service's appointment settings (slot template and booking
-- policy) with its time ranges, each branch's calendar per year (holidays and make-up working
-- days 调休), and a small table of named values the service keeps for itself (the hash of the
-- hall file last applied at start-up; on SQLite, the generated ID hash key). The SQLite twin
-- (migrations/sqlite/0003_layout_appointments.sql) has the same tables, keys and checks.
--
-- Dates are TEXT `yyyy-mm-dd` (local dates of the branch, no zone to confuse), the same on
-- both engines; times of day are minutes since local midnight.

CREATE TABLE service_appointments (
    branch_id               TEXT NOT NULL,
    service_id              TEXT NOT NULL,
    -- The weekdays with slots: bit 0 Monday … bit 6 Sunday.
    weekdays                BIGINT NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    slot_minutes            BIGINT NOT NULL CHECK (slot_minutes BETWEEN 1 AND 1440),
    capacity                BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 4294967295),
    open_ahead_days         BIGINT NOT NULL CHECK (open_ahead_days BETWEEN 0 AND 366),
    same_day_cutoff_minutes BIGINT NOT NULL CHECK (same_day_cutoff_minutes BETWEEN 0 AND 1440),
    -- The booking policy (hall::BookingPolicy).
    max_active_per_person   BIGINT NOT NULL CHECK (max_active_per_person BETWEEN 1 AND 4294967295),
    max_per_day             BIGINT NOT NULL CHECK (max_per_day BETWEEN 1 AND 4294967295),
    max_per_week            BIGINT NOT NULL CHECK (max_per_week BETWEEN 1 AND 4294967295),
    no_show_limit           BIGINT NOT NULL CHECK (no_show_limit BETWEEN 0 AND 4294967295),
    no_show_window_days     BIGINT NOT NULL CHECK (no_show_window_days BETWEEN 1 AND 4294967295),
    suspension_days         BIGINT NOT NULL CHECK (suspension_days BETWEEN 1 AND 4294967295),
    cancel_before_minutes   BIGINT NOT NULL CHECK (cancel_before_minutes BETWEEN 0 AND 4294967295),
    check_in_before_minutes BIGINT NOT NULL CHECK (check_in_before_minutes BETWEEN 0 AND 4294967295),
    check_in_after_minutes  BIGINT NOT NULL CHECK (check_in_after_minutes BETWEEN 0 AND 4294967295),
    CHECK (max_per_day <= max_per_week),
    PRIMARY KEY (branch_id, service_id),
    FOREIGN KEY (branch_id, service_id) REFERENCES services (branch_id, id) ON DELETE CASCADE
);

-- The local time ranges of a bookable service's working day, in order, not overlapping.
CREATE TABLE service_time_ranges (
    branch_id    TEXT NOT NULL,
    service_id   TEXT NOT NULL,
    position     BIGINT NOT NULL CHECK (position >= 0),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   BIGINT NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute),
    PRIMARY KEY (branch_id, service_id, position),
    FOREIGN KEY (branch_id, service_id)
        REFERENCES service_appointments (branch_id, service_id) ON DELETE CASCADE
);

-- The years of a branch's calendar that are loaded (a loaded year may have no special day).
CREATE TABLE calendar_years (
    branch_id TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    year      BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    PRIMARY KEY (branch_id, year)
);

-- A holiday (closed) or a make-up working day that follows another weekday's schedule.
CREATE TABLE calendar_days (
    branch_id TEXT NOT NULL,
    year      BIGINT NOT NULL,
    day       TEXT NOT NULL CHECK (day ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    kind      TEXT NOT NULL CHECK (kind IN ('holiday', 'make_up')),
    follows   TEXT CHECK (follows IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')),
    CHECK ((kind = 'holiday' AND follows IS NULL) OR (kind = 'make_up' AND follows IS NOT NULL)),
    CHECK (CAST(substr(day, 1, 4) AS BIGINT) = year),
    PRIMARY KEY (branch_id, day),
    FOREIGN KEY (branch_id, year) REFERENCES calendar_years (branch_id, year) ON DELETE CASCADE
);

-- Values the service keeps for itself: `hall_file_sha256` (the hall file last applied at
-- start-up), `id_hash_key` (SQLite only: the generated key ID numbers are hashed under).
CREATE TABLE records_settings (
    name  TEXT PRIMARY KEY CHECK (name ~ '^[a-z0-9_]{1,64}$'),
    value TEXT NOT NULL
);
