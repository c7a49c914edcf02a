-- Sign-in hardening (issue 16). One migration source for SQLite and PostgreSQL.

-- The TOTP time step of the last code accepted for the account: a code is
-- good once, so one seen over a shoulder or in a proxy's log cannot be
-- replayed within its 30 seconds.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT
