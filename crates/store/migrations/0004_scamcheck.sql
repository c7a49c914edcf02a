-- Scam check (SPEC M6). An indicator is one phone number, bank account or
-- web address with what is known about it; the in-memory index of every
-- replica follows this table through `seq` (see store/src/scamcheck).

CREATE TABLE indicators (
    id {{ID}},
    -- phone | bank_account | url
    kind TEXT NOT NULL,
    -- The lookup key: "tel:+84912345678", "bank:970436:0011001234567" or a
    -- Safe Browsing expression ("evil.example/" for a whole site).
    key TEXT NOT NULL UNIQUE,
    -- Hex SHA-256 of key: what private lookups compare.
    hash TEXT NOT NULL UNIQUE,
    -- candidate | verified | rejected | withdrawn | official
    state TEXT NOT NULL,
    -- A report category (fraud, gambling, ...).
    category TEXT NOT NULL,
    -- 0..100, how sure the source is.
    confidence BIGINT NOT NULL,
    -- reports | analyst | official | phishtank | urlhaus | chongluadao | stix | misp
    source TEXT NOT NULL,
    source_ref TEXT,
    -- Citizens' reports naming it (kept current from report_identifiers).
    reports BIGINT NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    -- A verified indicator ages out here unless it is seen again.
    expires_at TEXT,
    -- For a look-alike web address: the official domain it imitates.
    imitates TEXT,
    decided_by TEXT,
    decided_at TEXT,
    note TEXT,
    -- Raised by every change, from one counter: replicas poll for seq > theirs.
    seq BIGINT NOT NULL
);
CREATE INDEX indicators_seq ON indicators (seq);
CREATE INDEX indicators_state ON indicators (state, kind);

-- An owner who says they are wrongly listed. The tracking code and secret
-- work like a citizen report's; the contact is sealed with the field key.
CREATE TABLE indicator_disputes (
    id {{ID}},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    code TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    statement TEXT NOT NULL,
    contact_sealed {{BLOB}},
    -- open | upheld (the listing is withdrawn) | rejected (the listing stays)
    status TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision TEXT
);
CREATE INDEX indicator_disputes_open ON indicator_disputes (status, filed_at);
CREATE INDEX indicator_disputes_indicator ON indicator_disputes (indicator_id);

-- How many checks were made, per day, kind and verdict: never what was checked.
CREATE TABLE check_counts (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    verdict TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, kind, verdict)
);
