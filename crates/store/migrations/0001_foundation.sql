-- One migration source for SQLite and PostgreSQL.
-- {{ID}} becomes an auto-increment primary key, {{BLOB}} a byte column.
-- Dates are ISO 'YYYY-MM-DD' text (civil dates, Asia/Ho_Chi_Minh);
-- timestamps are RFC 3339 UTC text; flags are 0/1 integers.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE org_units (
    id {{ID}},
    created_at TEXT NOT NULL
);

CREATE TABLE org_unit_versions (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    code TEXT,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    level TEXT NOT NULL,
    unit_type TEXT,
    parent_id BIGINT REFERENCES org_units(id),
    households BIGINT,
    population BIGINT,
    enterprise_size TEXT,
    school_level TEXT,
    official_page TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION
);
CREATE INDEX org_unit_versions_unit ON org_unit_versions (unit_id, valid_from);
CREATE INDEX org_unit_versions_parent ON org_unit_versions (parent_id, valid_from);
CREATE INDEX org_unit_versions_code ON org_unit_versions (code);
CREATE INDEX org_unit_versions_level ON org_unit_versions (level, valid_from);

CREATE TABLE org_events (
    id {{ID}},
    kind TEXT NOT NULL,
    effective TEXT NOT NULL,
    unit_id BIGINT REFERENCES org_units(id),
    summary TEXT NOT NULL,
    legal_basis TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX org_events_unit ON org_events (unit_id);

CREATE TABLE org_lineage (
    event_id BIGINT NOT NULL REFERENCES org_events(id),
    from_unit BIGINT NOT NULL REFERENCES org_units(id),
    to_unit BIGINT NOT NULL REFERENCES org_units(id),
    is_default BIGINT NOT NULL,
    effective TEXT NOT NULL
);
CREATE INDEX org_lineage_from ON org_lineage (from_unit);
CREATE INDEX org_lineage_to ON org_lineage (to_unit);

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_unit_id BIGINT REFERENCES org_units(id),
    totp_secret TEXT,
    is_demo BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    second_factor_done BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE import_batches (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content {{BLOB}} NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The chain's head, updated in the same transaction as each append: every
-- writer takes this row's lock first, so writes are serialised and a deleted
-- tail is detected.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
