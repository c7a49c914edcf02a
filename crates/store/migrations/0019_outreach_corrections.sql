-- Correct and void for outreach and duties (issue 18): a warning, a contest
-- before it opens, a duty report and a period report entered by mistake
-- are voided with a reason; they leave every list, feed and rate but stay
-- in their history (record_changes) and the audit log, and the secretariat
-- can restore them. A warning's withdrawal (outdated) stays apart.

-- warnings: when it was voided (RFC 3339, UTC; NULL while it counts), by whom, why.
ALTER TABLE warnings ADD COLUMN voided_at TEXT;
ALTER TABLE warnings ADD COLUMN voided_by TEXT;
ALTER TABLE warnings ADD COLUMN void_reason TEXT;

-- contests: voided before it opened.
ALTER TABLE contests ADD COLUMN voided_at TEXT;
ALTER TABLE contests ADD COLUMN voided_by TEXT;
ALTER TABLE contests ADD COLUMN void_reason TEXT;

-- duty_reports: a body's report entered by mistake.
ALTER TABLE duty_reports ADD COLUMN voided_at TEXT;
ALTER TABLE duty_reports ADD COLUMN voided_by TEXT;
ALTER TABLE duty_reports ADD COLUMN void_reason TEXT;

-- period_reports: a commune's periodic report entered by mistake.
ALTER TABLE period_reports ADD COLUMN voided_at TEXT;
ALTER TABLE period_reports ADD COLUMN voided_by TEXT;
ALTER TABLE period_reports ADD COLUMN void_reason TEXT;
