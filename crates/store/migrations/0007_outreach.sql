-- Outreach (SPEC M7): public warnings, campaigns cascaded to initiatives,
-- and effectiveness surveys. Contests have their own migration.

-- A warning about a current scam tactic, published on /warnings and in the
-- Atom and RSS feeds from published_at on; withdrawn ones disappear.
CREATE TABLE warnings (
    id {{ID}},
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    -- A report category (fraud, gambling, ...).
    category TEXT NOT NULL,
    published_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    withdrawn_at TEXT,
    created_by TEXT NOT NULL
);
CREATE INDEX warnings_published ON warnings (published_at);

-- A campaign of the steering committee: content items, a schedule, and the
-- initiatives it targets (by area and theme), as JSON of core's Campaign.
CREATE TABLE campaigns (
    id {{ID}},
    title TEXT NOT NULL,
    campaign TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- An initiative confirms it shared a campaign's item, with the reach it saw.
-- A later confirmation of the same item replaces the earlier one.
CREATE TABLE campaign_shares (
    id {{ID}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    -- The item shared (core's ContentItem id); NULL for the campaign as a whole.
    item_id BIGINT,
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id),
    reach BIGINT NOT NULL,
    link TEXT,
    confirmed_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX campaign_shares_campaign ON campaign_shares (campaign_id);

-- A survey (core's Survey as JSON) targeted at a subtree.
CREATE TABLE surveys (
    id {{ID}},
    title TEXT NOT NULL,
    survey TEXT NOT NULL,
    anonymous BIGINT NOT NULL,
    area_unit_id BIGINT REFERENCES org_units (id),
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One response. The id is random and the table keeps no insertion order
-- (no row id on SQLite): an anonymous response has no respondent and only
-- the day it came in, so nothing here links it to a person or a moment.
CREATE TABLE survey_responses (
    id TEXT NOT NULL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    submitted_on TEXT NOT NULL,
    -- NULL for an anonymous survey.
    respondent TEXT,
    answers TEXT NOT NULL
) {{WITHOUT_ROWID}};
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, unit_id);
