-- Blind side-by-side preferences: a rater saw two configs' result lists for one query, unlabeled and in
-- random left/right order, and picked one or called a tie. Append-only; query_id and rater_id are
-- checked by the store inside the writing transaction (so that the error names the bad value).
CREATE TABLE IF NOT EXISTS preferences (
    preference_id     BIGINT PRIMARY KEY,
    query_id          VARCHAR NOT NULL,
    rater_id          VARCHAR NOT NULL,
    left_config_hash  VARCHAR NOT NULL,
    right_config_hash VARCHAR NOT NULL,
    choice            VARCHAR NOT NULL CHECK (choice IN ('left', 'right', 'tie')),
    seconds_spent     DOUBLE NOT NULL CHECK (seconds_spent >= 0),
    judged_at         TIMESTAMP NOT NULL,  -- UTC
    CHECK (left_config_hash <> right_config_hash)
);
