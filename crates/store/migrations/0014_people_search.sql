-- The people registries searched and paged in the database (issue 18), and
-- a trusted voice's consent dated. One migration source for SQLite and
-- PostgreSQL (ADD COLUMN one at a time, which both accept).

-- The name folded for search (lowercase, no diacritics: "nguyen" finds
-- "Nguyễn"); filled for the rows already stored right after this file runs
-- (see db.rs), and by every write after.
ALTER TABLE people ADD COLUMN name_folded TEXT;
ALTER TABLE trusted_voices ADD COLUMN name_folded TEXT;
ALTER TABLE trainings ADD COLUMN title_folded TEXT;

-- The day a trusted voice consented to cooperate (YYYY-MM-DD; NULL while
-- they have not): target 2.8 counts them from that year. A consent already
-- on record counts from the year the voice was registered, as it did.
ALTER TABLE trusted_voices ADD COLUMN consent_on TEXT;
UPDATE trusted_voices SET consent_on = CAST(registered_from AS TEXT) || '-01-01' WHERE consent <> 0;

-- A list is one unit's subtree, in name order, a page at a time.
CREATE INDEX people_unit_name ON people (unit_id, full_name, id);
CREATE INDEX trusted_voices_unit_name ON trusted_voices (unit_id, full_name, id);
CREATE INDEX trainings_unit_held ON trainings (unit_id, held_on, id);
