-- What the work overview needs to find an upload left with refused rows
-- (issue 18): how many rows the dry run refused, and the unit of the
-- session that uploaded it (its scope's root; none for the whole country),
-- so that each scope counts only its own. One source for SQLite and PostgreSQL.
ALTER TABLE import_batches ADD COLUMN refused_rows BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN unit_id BIGINT;
CREATE INDEX import_batches_refused ON import_batches (refused_rows, created_at);
