-- Citizen reports (SPEC M5). The reporter's contact is stored only sealed
-- with the field key from the configuration; raw IP addresses are never
-- stored; attachments live outside the database under their SHA-256.

CREATE TABLE reports (
    id {{ID}},
    -- Public tracking code ("PA-7K3M-9QX2"), also the Open311 service_request_id.
    code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON array of the links the reporter gave.
    links TEXT NOT NULL,
    -- Where it happened (a commune), when known.
    commune_id BIGINT REFERENCES org_units(id),
    -- Who handles it now: a commune, or the level above after escalation.
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    status TEXT NOT NULL,
    assignee TEXT,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    escalations BIGINT NOT NULL DEFAULT 0,
    closed_at TEXT,
    -- Whether it closed by its deadline (set when it closes).
    on_time BIGINT,
    duplicate_of BIGINT REFERENCES reports(id),
    rating BIGINT,
    rating_fixed BIGINT,
    rating_comment TEXT,
    contact_sealed {{BLOB}},
    contact_removed_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX reports_unit ON reports (unit_id, status);
CREATE INDEX reports_commune ON reports (commune_id, received_at);
CREATE INDEX reports_received ON reports (received_at);
CREATE INDEX reports_due ON reports (due_at);

-- Phone numbers, bank accounts and sites a report involves, canonical.
CREATE TABLE report_identifiers (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX report_identifiers_value ON report_identifiers (kind, value);
CREATE INDEX report_identifiers_report ON report_identifiers (report_id);

-- The timeline: status changes, messages both ways, assignments, escalations.
CREATE TABLE report_events (
    id {{ID}},
    report_id BIGINT NOT NULL REFERENCES reports(id),
    at TEXT NOT NULL,
    -- A staff username, "reporter" or "system".
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    body TEXT,
    -- Shown on the reporter's tracking page.
    to_reporter BIGINT NOT NULL
);
CREATE INDEX report_events_report ON report_events (report_id, id);

CREATE TABLE report_attachments (
    id {{ID}},
    report_id BIGINT NOT NULL REFERENCES reports(id),
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    name TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

-- In-app notifications for the staff of a unit.
CREATE TABLE notifications (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    report_id BIGINT REFERENCES reports(id),
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_unit ON notifications (unit_id, id);

-- E-mail waiting to be sent. A reporter's address is never copied here: it
-- is unsealed from the report's contact when the mail goes out.
CREATE TABLE email_outbox (
    id {{ID}},
    report_id BIGINT REFERENCES reports(id),
    to_reporter BIGINT NOT NULL,
    -- A staff member's address (staff mail only).
    recipient TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, next_attempt_at);

-- Staff receive notifications by e-mail when they give an address.
ALTER TABLE users ADD COLUMN email TEXT
