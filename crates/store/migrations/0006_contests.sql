-- Online contests (SPEC M7): rules, question banks, the organisers' staff
-- (who may not enter), one-time codes, attempts, entries and prizes. Rules
-- (draw, grading, deadline, ranking) live in core; entrants are known only
-- by a keyed hash of their mobile number, its masked form and the number
-- sealed with the field key (for the organisers' own result sheet).

CREATE TABLE contests (
    id {{ID}},
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The body that runs it: its staff (contest_staff) may not enter.
    organiser_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    question_count BIGINT NOT NULL,
    -- JSON: [{category, count}]
    quotas TEXT NOT NULL,
    time_limit_secs BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    -- day | week | contest
    attempt_period TEXT NOT NULL,
    -- "How many people will answer every question correctly?"
    prediction_question TEXT NOT NULL,
    -- 1: the shared bank (contest_questions without a contest) is drawn from too.
    use_shared_bank BIGINT NOT NULL,
    -- Frozen when the organisers close the results; until then the
    -- leaderboard counts it live.
    actual_all_correct BIGINT,
    closed_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contests_window ON contests (closes_at);

-- The question bank. A question with no contest is in the shared bank. A
-- question that was drawn is never changed (attempts are graded against
-- it); it is retired instead (active = 0) and no longer drawn.
CREATE TABLE contest_questions (
    id {{ID}},
    contest_id BIGINT REFERENCES contests (id),
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    -- JSON: ["choice", ...] in the author's order
    choices TEXT NOT NULL,
    correct BIGINT NOT NULL,
    active BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX contest_questions_contest ON contest_questions (contest_id);

-- Units entrants may represent, with how many people each has who may
-- take part (for the participation rate).
CREATE TABLE contest_units (
    contest_id BIGINT NOT NULL REFERENCES contests (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    eligible BIGINT,
    PRIMARY KEY (contest_id, unit_id)
);

-- Staff of an organising body, by the keyed hash of their mobile number.
CREATE TABLE contest_staff (
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    person_hash TEXT NOT NULL,
    person_masked TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, person_hash)
);

-- One-time codes sent by SMS: a salted hash of the code, never the code.
CREATE TABLE contest_codes (
    id {{ID}},
    contest_id BIGINT NOT NULL REFERENCES contests (id),
    person_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    tries BIGINT NOT NULL,
    verified_at TEXT
);
CREATE INDEX contest_codes_person ON contest_codes (person_hash, issued_at);

-- An attempt: the questions drawn (Draw::encode) and the window, by the
-- server's clock. started_at and deadline are RFC 3339 with milliseconds.
CREATE TABLE contest_attempts (
    id {{ID}},
    contest_id BIGINT NOT NULL REFERENCES contests (id),
    person_hash TEXT NOT NULL,
    person_masked TEXT NOT NULL,
    person_sealed {{BLOB}} NOT NULL,
    name TEXT NOT NULL,
    -- The unit the entrant represents, one of contest_units.
    unit_id BIGINT REFERENCES org_units (id),
    -- SHA-256 of the secret handed to the entrant with the attempt.
    token_hash TEXT NOT NULL,
    draw TEXT NOT NULL,
    started_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    -- Set when an answer sheet (counted or not) was recorded: one per attempt.
    submitted_at TEXT
);
CREATE INDEX contest_attempts_person ON contest_attempts (contest_id, person_hash, started_at);

-- An answer sheet received for an attempt. A sheet received after the
-- deadline and its grace is kept with counted = 0 and score 0: it never
-- counts, whatever the client said. Ids grow in commit order (every write
-- holds the audit chain's lock), so replicas follow the table by id.
CREATE TABLE contest_entries (
    id {{ID}},
    contest_id BIGINT NOT NULL REFERENCES contests (id),
    attempt_id BIGINT NOT NULL UNIQUE REFERENCES contest_attempts (id),
    -- JSON: the displayed positions picked, null for blank.
    answers TEXT NOT NULL,
    score BIGINT NOT NULL,
    question_total BIGINT NOT NULL,
    prediction BIGINT,
    time_taken_ms BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    counted BIGINT NOT NULL,
    -- For a late sheet: how long after the deadline it arrived.
    late_by_ms BIGINT
);
CREATE INDEX contest_entries_contest ON contest_entries (contest_id, counted);

-- Prizes by place on the leaderboard ("Giải Nhất": places 1 to 1).
CREATE TABLE contest_prizes (
    id {{ID}},
    contest_id BIGINT NOT NULL REFERENCES contests (id),
    rank_from BIGINT NOT NULL,
    rank_to BIGINT NOT NULL,
    title TEXT NOT NULL,
    reward TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX contest_prizes_contest ON contest_prizes (contest_id, rank_from)
