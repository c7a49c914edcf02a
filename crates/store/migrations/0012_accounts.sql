-- Accounts from the web (issue 18). One migration source for SQLite and PostgreSQL.

-- Set when an administrator gives the account a temporary password (at
-- creation or a reset): the next sign-in must change it before anything else.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;

-- When the account last completed a sign-in (RFC 3339, UTC); NULL if never.
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT
