-- Sign-in hardening (issue 16). One migration source for SQLite and PostgreSQL.

-- The TOTP time step of the last code accepted for the account: a code is
-- good once, so one seen over a shoulder or in a proxy's log cannot be
-- replayed within its 30 seconds.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- When each session was last used: a staff session ends after 30 idle
-- minutes as well as at its absolute expiry. NULL (sessions from before)
-- reads as the session's start.
ALTER TABLE sessions ADD COLUMN last_seen TEXT
