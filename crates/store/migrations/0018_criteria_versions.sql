-- Criteria sets edited per year (issue 18): every save of a year's set is
-- a new version, so an evaluation already sent up keeps the criteria it was
-- scored against; the bands' thresholds travel with the set. Award
-- nominations can be voided like the registry's records.

-- One saved version of the criteria for a year and kind of unit; the
-- highest version is the one in force, and without any the document's
-- default set (core) applies.
CREATE TABLE criteria_set_versions (
    id {{ID}},
    year BIGINT NOT NULL,
    -- village | commune | agency | enterprise | school
    kind TEXT NOT NULL,
    -- 1, 2, … within (year, kind)
    version BIGINT NOT NULL,
    -- JSON: [{code, title_vi, max_points, weight, target}, ...]
    criteria TEXT NOT NULL,
    -- JSON: {excellent, good, fair, average} (lowest points of each band)
    bands TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year, kind, version)
);

-- Sets saved before versions became version 1 of their year.
INSERT INTO criteria_set_versions (year, kind, version, criteria, bands, created_by, created_at)
SELECT year, kind, 1, criteria, '{}', created_by, created_at FROM criteria_sets;

-- The version an evaluation was scored against (NULL: the default set).
ALTER TABLE evaluations ADD COLUMN criteria_version BIGINT;
UPDATE evaluations SET criteria_version = 1
WHERE EXISTS (SELECT 1 FROM criteria_sets c WHERE c.year = evaluations.year AND c.kind = evaluations.kind);

-- award_nominations: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE award_nominations ADD COLUMN voided_at TEXT;
ALTER TABLE award_nominations ADD COLUMN voided_by TEXT;
ALTER TABLE award_nominations ADD COLUMN void_reason TEXT;
