-- The voided initiatives, found by an index: every read of members and
-- member counts leaves out the rows of a voided initiative
-- (`initiative_id NOT IN (SELECT id FROM initiatives WHERE voided_at IS NOT NULL)`),
-- and the targets read one village's members after each member change.
-- Without it, each such read scans every initiative. Few initiatives are
-- ever voided, so the partial index stays small on both backends.
CREATE INDEX initiatives_voided ON initiatives (id) WHERE voided_at IS NOT NULL;
