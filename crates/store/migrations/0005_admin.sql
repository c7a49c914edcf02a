-- Programme administration (SPEC M8): evaluations, awards, budget, the
-- duties of Part 3 and the communes' periodic reports. Rule data (criteria,
-- the 19 bodies and their duties, the document's plan) lives in core; these
-- tables hold what people enter.

-- A criteria set changed by the province for one year and kind of unit;
-- without a row the document's default set (core) applies.
CREATE TABLE criteria_sets (
    id {{ID}},
    year BIGINT NOT NULL,
    -- village | commune | agency | enterprise | school
    kind TEXT NOT NULL,
    -- JSON: [{code, title_vi, max_points, weight}, ...]
    criteria TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year, kind)
);

-- One unit's evaluation for one year: scored by the unit, approved or
-- returned by the level above.
CREATE TABLE evaluations (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- self_assessment | submitted | approved | returned
    status TEXT NOT NULL,
    -- JSON: [{criterion, points, evidence: [url]}]
    scores TEXT NOT NULL,
    -- Hundredths of a point out of 100 (8750 = 87,50).
    total BIGINT NOT NULL,
    classification TEXT NOT NULL,
    submitted_at TEXT,
    approved_on TEXT,
    decided_by TEXT,
    return_note TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);
CREATE INDEX evaluations_year ON evaluations (year, status);

-- A proposal for an award and its approval chain (the whole nomination as
-- JSON; status and names copied out for lists).
CREATE TABLE award_nominations (
    id {{ID}},
    proposed_by BIGINT NOT NULL REFERENCES org_units (id),
    year BIGINT NOT NULL,
    -- regular | ad_hoc
    kind TEXT NOT NULL,
    -- draft | submitted | endorsed | approved | rejected
    status TEXT NOT NULL,
    nominee_name TEXT NOT NULL,
    nomination TEXT NOT NULL,
    decision_no TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX award_nominations_year ON award_nominations (year, status);

-- An amount of the programme's budget, in whole đồng.
CREATE TABLE budget_entries (
    id {{ID}},
    -- The unit that spends it, when known.
    unit_id BIGINT REFERENCES org_units (id),
    -- province | district | commune
    level TEXT NOT NULL,
    -- initiatives | outreach_products | conferences | contests | equipment | other; NULL: not split by line
    line TEXT,
    -- estimate | allocation | spending | settlement
    stage TEXT NOT NULL,
    amount BIGINT NOT NULL,
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX budget_entries_from ON budget_entries (from_day);

-- A body's report on one due date of one of its Part 3 duties.
CREATE TABLE duty_reports (
    id {{ID}},
    duty TEXT NOT NULL,
    due TEXT NOT NULL,
    received_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX duty_reports_duty ON duty_reports (duty, due);

-- A commune's periodic progress report for one period.
CREATE TABLE period_reports (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    -- month | quarter | half_year | year
    period_kind TEXT NOT NULL,
    year BIGINT NOT NULL,
    period_index BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX period_reports_period ON period_reports (period_kind, year, period_index);
