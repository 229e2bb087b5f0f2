-- SMS reminders (issue 5): the twin of migrations/postgres/0007_sms_status_early.sql (read its
-- comments): the same columns, keys and checks with SQLite's types. received_at is TEXT in
-- RFC 3339 UTC with microseconds, as written by records::outbox.
CREATE TABLE sms_status_early (
    provider_sid TEXT NOT NULL PRIMARY KEY CHECK (length(provider_sid) BETWEEN 1 AND 100),
    status       TEXT NOT NULL CHECK (status IN ('accepted', 'scheduled', 'queued', 'sending',
                                                 'sent', 'delivered', 'undelivered', 'failed',
                                                 'canceled', 'read')),
    error_code   INTEGER,
    received_at  TEXT NOT NULL
) STRICT;

CREATE INDEX sms_status_early_received ON sms_status_early (received_at);
