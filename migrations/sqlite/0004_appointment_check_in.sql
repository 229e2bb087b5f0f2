-- Appointments (issue 4), check-in and no-shows: the twin of
-- migrations/postgres/0004_appointment_check_in.sql (read its comments). `state_changed_at` is
-- TEXT in RFC 3339 UTC, as records::appointments writes it.

ALTER TABLE appointments ADD COLUMN ticket_id TEXT
    CHECK (ticket_id IS NULL OR length(ticket_id) BETWEEN 1 AND 200)
    CHECK ((state = 'CHECKED_IN') = (ticket_id IS NOT NULL));
ALTER TABLE appointments ADD COLUMN state_changed_at TEXT;

CREATE INDEX appointments_by_person_service ON appointments (id_hash, service_id, local_date);
CREATE INDEX appointments_booked_by_slot ON appointments (slot_id) WHERE state = 'BOOKED';
CREATE INDEX slots_by_end ON slots (ends_at);
