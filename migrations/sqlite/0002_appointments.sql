-- Appointments (issue 4): the twin of migrations/postgres/0002_appointments.sql (read its
-- comments): the same tables, keys and checks with SQLite's types. Instants are TEXT in
-- RFC 3339 UTC (`2026-11-28T01:00:00+00:00`), dates TEXT `yyyy-mm-dd`, as written by
-- records::appointments.

CREATE TABLE slots (
    id         TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    branch_id  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL CHECK (ends_at > starts_at),
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    booked     INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    CHECK (booked <= capacity)
) STRICT;

CREATE INDEX slots_by_service_day ON slots (branch_id, service_id, local_date);

CREATE TABLE appointments (
    id                  TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    slot_id             TEXT NOT NULL REFERENCES slots (id),
    branch_id           TEXT NOT NULL,
    service_id          TEXT NOT NULL,
    local_date          TEXT NOT NULL,
    code                TEXT NOT NULL CHECK (code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
    name                TEXT NOT NULL CHECK (name <> ''),
    name_masked         TEXT NOT NULL CHECK (name_masked <> ''),
    id_hash             TEXT NOT NULL
                        CHECK (length(id_hash) = 64 AND id_hash NOT GLOB '*[^0-9a-f]*'),
    id_masked           TEXT NOT NULL CHECK (id_masked <> ''),
    phone               TEXT NOT NULL CHECK (length(phone) = 11 AND phone NOT GLOB '*[^0-9]*'),
    credit_code         TEXT CHECK (credit_code IS NULL OR length(credit_code) = 18),
    state               TEXT NOT NULL DEFAULT 'BOOKED'
                        CHECK (state IN ('BOOKED', 'CANCELLED', 'CHECKED_IN', 'NO_SHOW')),
    idempotency_key     TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 128),
    request_fingerprint TEXT NOT NULL
                        CHECK (length(request_fingerprint) = 64
                               AND request_fingerprint NOT GLOB '*[^0-9a-f]*'),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (branch_id, local_date, code)
) STRICT;

CREATE INDEX appointments_by_slot ON appointments (slot_id);
CREATE INDEX appointments_by_person ON appointments (id_hash);
