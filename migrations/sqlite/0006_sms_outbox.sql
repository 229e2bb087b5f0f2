-- SMS reminders (issue 5): the twin of migrations/postgres/0006_sms_outbox.sql (read its
-- comments): the same columns, keys and checks with SQLite's types. Instants are TEXT in
-- RFC 3339 UTC with microseconds (`2026-11-27T01:00:00.000000Z`), as written by
-- records::outbox, so that text order is time order; urgent is 0 or 1.
CREATE TABLE sms_outbox (
    id              TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    subject         TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    kind            TEXT NOT NULL CHECK (kind IN ('turn_near', 'called', 'booking_confirmed',
                                                  'appointment_soon', 'booking_cancelled')),
    branch_id       TEXT NOT NULL,
    phone           TEXT NOT NULL CHECK (length(phone) = 11 AND phone GLOB '1[3-9][0-9]*'
                                         AND phone NOT GLOB '*[^0-9]*'),
    body            TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    urgent          INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed',
                                     'undelivered', 'dead', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    not_before      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    last_attempt_at TEXT,
    verify_since    TEXT,
    sent_at         TEXT,
    provider_sid    TEXT UNIQUE CHECK (provider_sid IS NULL OR length(provider_sid) BETWEEN 1 AND 100),
    provider_status TEXT,
    error_code      INTEGER,
    last_error      TEXT CHECK (last_error IS NULL OR length(last_error) <= 1000),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (subject, kind),
    CHECK (state <> 'sending' OR claimed_until IS NOT NULL),
    CHECK (state NOT IN ('sent', 'delivered', 'undelivered') OR provider_sid IS NOT NULL)
) STRICT;

CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, sent_at);
