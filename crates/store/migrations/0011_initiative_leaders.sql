-- Which initiatives an initiative leader's account leads. The commune
-- officer sets and removes the link; a leader writes only for the
-- initiatives linked here (issue 16).
CREATE TABLE initiative_leaders (
    initiative_id BIGINT NOT NULL REFERENCES initiatives(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (initiative_id, user_id)
);

CREATE INDEX initiative_leaders_user ON initiative_leaders (user_id);
