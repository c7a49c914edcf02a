-- The movement's registry (SPEC M2, M3) and the facts the nine targets are
-- computed from (M4). Years are calendar years; household keys are the
-- 64-bit keys of the core's `household_key` (never the household's text).

CREATE TABLE initiatives (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    leader_name TEXT,
    participant_kind TEXT NOT NULL,
    leader_kind TEXT NOT NULL,
    content_kind TEXT NOT NULL,
    -- Comma-separated thematic focus codes.
    focus TEXT NOT NULL,
    -- The three criteria of I.1.3.1, 0/1 each.
    criterion_1 BIGINT NOT NULL,
    criterion_2 BIGINT NOT NULL,
    criterion_3 BIGINT NOT NULL,
    description TEXT,
    stage TEXT NOT NULL,
    stage_since TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX initiatives_unit ON initiatives (unit_id);

-- The dated lifecycle: proposed → active → exemplary → replicated, or ended / dissolved.
CREATE TABLE initiative_stages (
    id {{ID}},
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    stage TEXT NOT NULL,
    effective TEXT NOT NULL,
    note TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX initiative_stages_initiative ON initiative_stages (initiative_id, effective);

-- One guiding unit per channel: the canonical key is unique.
CREATE TABLE initiative_channels (
    id {{ID}},
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    platform TEXT NOT NULL,
    channel_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    audience BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX initiative_channels_initiative ON initiative_channels (initiative_id);

-- Sub-groups ("tổ, nhóm") of an initiative.
CREATE TABLE initiative_groups (
    id {{ID}},
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    name TEXT NOT NULL,
    leader_name TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX initiative_groups_initiative ON initiative_groups (initiative_id);

-- Units taking part in an initiative besides its owner.
CREATE TABLE initiative_units (
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    from_year BIGINT NOT NULL,
    to_year BIGINT,
    PRIMARY KEY (initiative_id, unit_id)
);

-- Members counted per village and year, for initiatives that do not list them.
CREATE TABLE initiative_village_counts (
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    village_id BIGINT NOT NULL REFERENCES org_units(id),
    year BIGINT NOT NULL,
    members BIGINT NOT NULL,
    households BIGINT NOT NULL,
    PRIMARY KEY (initiative_id, village_id, year)
);
CREATE INDEX initiative_village_counts_village ON initiative_village_counts (village_id);

-- Listed members: a name and the household key, nothing more.
CREATE TABLE initiative_members (
    id {{ID}},
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    village_id BIGINT NOT NULL REFERENCES org_units(id),
    full_name TEXT NOT NULL,
    household_key BIGINT NOT NULL,
    joined_year BIGINT NOT NULL,
    left_year BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX initiative_members_village ON initiative_members (village_id);
CREATE INDEX initiative_members_initiative ON initiative_members (initiative_id);

-- Periodic activity reports of an initiative.
CREATE TABLE initiative_reports (
    id {{ID}},
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    posts BIGINT NOT NULL,
    reach BIGINT NOT NULL,
    reports_received BIGINT NOT NULL,
    note TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX initiative_reports_initiative ON initiative_reports (initiative_id);

-- Staff, key officials, initiative leaders and admins, outreach officers.
CREATE TABLE people (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    full_name TEXT NOT NULL,
    role TEXT NOT NULL,
    position TEXT,
    initiative_id BIGINT REFERENCES initiatives(id),
    registered_from BIGINT NOT NULL,
    registered_to BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX people_unit ON people (unit_id);

CREATE TABLE trainings (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX trainings_unit ON trainings (unit_id);

CREATE TABLE training_attendees (
    training_id BIGINT NOT NULL REFERENCES trainings(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_attendees_person ON training_attendees (person_id);

-- An outreach officer's yearly knowledge update (2.5).
CREATE TABLE person_updates (
    person_id BIGINT NOT NULL REFERENCES people(id),
    year BIGINT NOT NULL,
    note TEXT,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE trusted_voices (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    full_name TEXT NOT NULL,
    in_province BIGINT NOT NULL,
    channels TEXT,
    audience BIGINT,
    consent BIGINT NOT NULL,
    initiative_id BIGINT REFERENCES initiatives(id),
    registered_from BIGINT NOT NULL,
    registered_to BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX trusted_voices_unit ON trusted_voices (unit_id);

-- A trusted voice enlisted (with consent) in a year (2.8).
CREATE TABLE voice_enlistments (
    voice_id BIGINT NOT NULL REFERENCES trusted_voices(id),
    year BIGINT NOT NULL,
    PRIMARY KEY (voice_id, year)
);

-- Yearly plans (2.2) and thematic resolutions (2.1), with the signed file.
CREATE TABLE movement_documents (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    year BIGINT NOT NULL,
    file_name TEXT,
    file_type TEXT,
    file_data {{BLOB}},
    created_at TEXT NOT NULL
);
CREATE INDEX movement_documents_unit ON movement_documents (unit_id);

-- Awareness activities held in a village (2.6).
CREATE TABLE village_activities (
    id {{ID}},
    village_id BIGINT NOT NULL REFERENCES org_units(id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    participants BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX village_activities_village ON village_activities (village_id);

-- Prevention content posted on a unit's official page (2.7).
CREATE TABLE page_posts (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    posted_on TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX page_posts_unit ON page_posts (unit_id);

-- A unit's yearly report: after it, a missing fact means "no", not "no data".
CREATE TABLE unit_reports (
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    year BIGINT NOT NULL,
    submitted_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
