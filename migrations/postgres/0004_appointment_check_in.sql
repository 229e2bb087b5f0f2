-- Appointments (issue 4), check-in and no-shows: the ticket an appointment became at check-in
-- and when its state last changed (cancelled, checked in, marked a no-show). The SQLite twin
-- (migrations/sqlite/0004_appointment_check_in.sql) has the same columns and checks.
--
-- The per-person limits count a person's appointments of one service by local date, and the
-- no-show sweep looks for BOOKED appointments whose slot has ended: an index for each.

ALTER TABLE appointments
    ADD COLUMN ticket_id TEXT
        CHECK (ticket_id IS NULL OR length(ticket_id) BETWEEN 1 AND 200),
    ADD COLUMN state_changed_at TIMESTAMPTZ,
    -- A checked-in appointment names its ticket; no other does.
    ADD CONSTRAINT appointments_ticket_iff_checked_in
        CHECK ((state = 'CHECKED_IN') = (ticket_id IS NOT NULL));

CREATE INDEX appointments_by_person_service ON appointments (id_hash, service_id, local_date);
CREATE INDEX appointments_booked_by_slot ON appointments (slot_id) WHERE state = 'BOOKED';
CREATE INDEX slots_by_end ON slots (ends_at);
