-- Rate limits shared by the replicas of one deployment. A client is counted
-- under a keyed hash of its address (never the address itself); the key of
-- each hour is made by the first replica that needs it, and both the key
-- and the counts are deleted an hour after the hour ends, so that even the
-- database cannot tie an old count to an address. Not in backups.
CREATE TABLE rate_limit_keys (
    hour BIGINT PRIMARY KEY,
    hash_key {{BLOB}} NOT NULL
);

CREATE TABLE rate_limit_counts (
    hour BIGINT NOT NULL,
    class TEXT NOT NULL,
    client {{BLOB}} NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, class, client)
);
