-- SMS reminders (issue 5): delivery statuses that came before their message. The SQLite twin
-- (migrations/sqlite/0007_sms_status_early.sql) has the same columns, keys and checks.
--
-- The provider may call back (records::outbox::apply_status) before the worker has recorded
-- the Sent outcome with the message's sid. Such a status waits here, one row per sid (the
-- highest-ranked one, with its error code), until record_outcome records that sid: it then
-- applies the waiting status to the outbox row and deletes it in the same transaction. A row
-- whose sid never matches (an attempt the worker could not record) is deleted after a day.
CREATE TABLE sms_status_early (
    provider_sid TEXT PRIMARY KEY CHECK (length(provider_sid) BETWEEN 1 AND 100),
    status       TEXT NOT NULL CHECK (status IN ('accepted', 'scheduled', 'queued', 'sending',
                                                 'sent', 'delivered', 'undelivered', 'failed',
                                                 'canceled', 'read')),
    error_code   BIGINT,
    received_at  TIMESTAMPTZ NOT NULL
);

-- Deleting the ones that never matched.
CREATE INDEX sms_status_early_received ON sms_status_early (received_at);
