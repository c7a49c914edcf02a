-- Open311 publishes a report's status with a note anyone may read. The
-- message an officer writes to the reporter (body, to_reporter = 1) stays
-- behind the tracking code and secret; the public note is written
-- separately, as such, on the status change it belongs to.
ALTER TABLE report_events ADD COLUMN public_note TEXT;
