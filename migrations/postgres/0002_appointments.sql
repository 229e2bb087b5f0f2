-- Appointments (issue 4): the bookable slots, materialised lazily by the booking transaction
-- (`INSERT … ON CONFLICT DO NOTHING`), and the appointments booked in them. The SQLite twin
-- (migrations/sqlite/0002_appointments.sql) has the same tables, keys and checks.
--
-- No foreign key to the layout tables: `records::layout::save_hall` replaces the whole layout,
-- which must neither fail nor cascade into the appointments of a branch.
--
-- Personal data: the resident ID number is never stored in clear, only its keyed hash
-- (`IdHasher`, for lookups and per-person limits) and its masked form. The citizen's name is
-- stored in clear (the check-in desk compares it with the ID card) beside its masked form for
-- screens and logs; the phone is stored as its 11 digits (for reminders) and shown masked.

CREATE TABLE slots (
    -- The SlotId string: <branch>.<service>.<yyyymmdd>.<HHMM>.
    id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    branch_id  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    local_date DATE NOT NULL,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
    capacity   BIGINT NOT NULL CHECK (capacity > 0),
    booked     BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0),
    CHECK (booked <= capacity)
);

CREATE INDEX slots_by_service_day ON slots (branch_id, service_id, local_date);

CREATE TABLE appointments (
    id                  TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    slot_id             TEXT NOT NULL REFERENCES slots (id),
    branch_id           TEXT NOT NULL,
    service_id          TEXT NOT NULL,
    local_date          DATE NOT NULL,
    -- The check-in code: six digits, unique per branch and day.
    code                TEXT NOT NULL CHECK (code ~ '^[0-9]{6}$'),
    name                TEXT NOT NULL CHECK (name <> ''),
    name_masked         TEXT NOT NULL CHECK (name_masked <> ''),
    id_hash             TEXT NOT NULL CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    id_masked           TEXT NOT NULL CHECK (id_masked <> ''),
    phone               TEXT NOT NULL CHECK (phone ~ '^[0-9]{11}$'),
    credit_code         TEXT CHECK (credit_code IS NULL OR length(credit_code) = 18),
    state               TEXT NOT NULL DEFAULT 'BOOKED'
                        CHECK (state IN ('BOOKED', 'CANCELLED', 'CHECKED_IN', 'NO_SHOW')),
    idempotency_key     TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 128),
    -- SHA-256 (hex) of what was asked, so that a retry can be told from a reuse of the key.
    request_fingerprint TEXT NOT NULL CHECK (request_fingerprint ~ '^[0-9a-f]{64}$'),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, local_date, code)
);

CREATE INDEX appointments_by_slot ON appointments (slot_id);
CREATE INDEX appointments_by_person ON appointments (id_hash);
