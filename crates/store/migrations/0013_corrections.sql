-- Correct and void (issue 18). A record entered by mistake is voided with
-- a reason: it leaves every list and figure but stays in its history and
-- the audit log; the secretariat can restore it. One migration source for
-- SQLite and PostgreSQL (ADD COLUMN one at a time, which both accept).


-- initiatives: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiatives ADD COLUMN voided_at TEXT;
ALTER TABLE initiatives ADD COLUMN voided_by TEXT;
ALTER TABLE initiatives ADD COLUMN void_reason TEXT;

-- initiative_channels: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_channels ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_channels ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_channels ADD COLUMN void_reason TEXT;

-- initiative_village_counts: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_village_counts ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_village_counts ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_village_counts ADD COLUMN void_reason TEXT;

-- initiative_groups: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_groups ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_groups ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_groups ADD COLUMN void_reason TEXT;

-- initiative_units: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_units ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_units ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_units ADD COLUMN void_reason TEXT;

-- initiative_members: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_members ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_members ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_members ADD COLUMN void_reason TEXT;

-- initiative_reports: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE initiative_reports ADD COLUMN voided_at TEXT;
ALTER TABLE initiative_reports ADD COLUMN voided_by TEXT;
ALTER TABLE initiative_reports ADD COLUMN void_reason TEXT;

-- people: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE people ADD COLUMN voided_at TEXT;
ALTER TABLE people ADD COLUMN voided_by TEXT;
ALTER TABLE people ADD COLUMN void_reason TEXT;

-- trainings: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE trainings ADD COLUMN voided_at TEXT;
ALTER TABLE trainings ADD COLUMN voided_by TEXT;
ALTER TABLE trainings ADD COLUMN void_reason TEXT;

-- trusted_voices: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE trusted_voices ADD COLUMN voided_at TEXT;
ALTER TABLE trusted_voices ADD COLUMN voided_by TEXT;
ALTER TABLE trusted_voices ADD COLUMN void_reason TEXT;

-- movement_documents: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE movement_documents ADD COLUMN voided_at TEXT;
ALTER TABLE movement_documents ADD COLUMN voided_by TEXT;
ALTER TABLE movement_documents ADD COLUMN void_reason TEXT;

-- village_activities: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE village_activities ADD COLUMN voided_at TEXT;
ALTER TABLE village_activities ADD COLUMN voided_by TEXT;
ALTER TABLE village_activities ADD COLUMN void_reason TEXT;

-- page_posts: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE page_posts ADD COLUMN voided_at TEXT;
ALTER TABLE page_posts ADD COLUMN voided_by TEXT;
ALTER TABLE page_posts ADD COLUMN void_reason TEXT;

-- budget_entries: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE budget_entries ADD COLUMN voided_at TEXT;
ALTER TABLE budget_entries ADD COLUMN voided_by TEXT;
ALTER TABLE budget_entries ADD COLUMN void_reason TEXT;

-- Every correction, void and restore of a registry record: the record's
-- kind and id (a member count's id is "initiative/village/year"), who and
-- when, the action, the changed fields as JSON {"field": [old, new]}, why.
CREATE TABLE record_changes (
    id {{ID}},
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX record_changes_record ON record_changes (record_kind, record_id, id);
