-- Village codes (issue 18): `<commune code>.<3-digit sequence>`, assigned
-- within the commune and never reused. One migration source for SQLite and
-- PostgreSQL.

-- Each commune's counter: the highest sequence ever given to one of its
-- villages. It only grows, so a code given to a village later abolished is
-- never given again. The codes of the villages already stored are assigned
-- right after this file runs, in the same transaction (see db.rs).
CREATE TABLE org_village_sequences (
    commune_id BIGINT PRIMARY KEY REFERENCES org_units(id),
    last_seq BIGINT NOT NULL
);
