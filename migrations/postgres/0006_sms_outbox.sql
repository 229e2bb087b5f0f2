-- SMS reminders (issue 5): the outbox. The SQLite twin (migrations/sqlite/0006_sms_outbox.sql)
-- has the same columns, keys and checks.
--
-- One row per reminder, written in the transaction of the event that causes it; UNIQUE
-- (subject, kind) makes a second enqueue of the same reminder a no-op. Workers claim due rows
-- (records::outbox::claim): state pending and next_attempt_at, not_before passed, or a sending
-- row whose lease (claimed_until) expired; the claim marks the attempt (attempts + 1) before
-- the provider is called. verify_since is set when an attempt may have reached the provider
-- (an ambiguous time-out, or a lease that expired while sending): the next attempt first asks
-- the provider for a message sent since then. sent_at is when the provider accepted it (what
-- the per-number limits count).
CREATE TABLE sms_outbox (
    id              TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
    subject         TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    kind            TEXT NOT NULL CHECK (kind IN ('turn_near', 'called', 'booking_confirmed',
                                                  'appointment_soon', 'booking_cancelled')),
    branch_id       TEXT NOT NULL,
    phone           TEXT NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    body            TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000),
    urgent          BOOLEAN NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed',
                                     'undelivered', 'dead', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    not_before      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    verify_since    TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    provider_sid    TEXT UNIQUE CHECK (provider_sid IS NULL OR length(provider_sid) BETWEEN 1 AND 100),
    provider_status TEXT,
    error_code      BIGINT,
    last_error      TEXT CHECK (last_error IS NULL OR char_length(last_error) <= 1000),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (subject, kind),
    CHECK (state <> 'sending' OR claimed_until IS NOT NULL),
    CHECK (state NOT IN ('sent', 'delivered', 'undelivered') OR provider_sid IS NOT NULL)
);

-- Claiming: the rows still to send, by when they are due.
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE state IN ('pending', 'sending');
-- The per-number limits: what was sent to a number lately.
CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, sent_at);
