-- Skipped assignments: the rater put the task aside, so it is neither served to them again nor held for
-- them (it stops counting towards the task's overlap at once). Without this row an unjudged assignment is
-- the rater's open task, served to them first when they come back.
CREATE TABLE IF NOT EXISTS assignment_skips (
    task_id     BIGINT NOT NULL,
    rater_id    VARCHAR NOT NULL,
    skipped_at  TIMESTAMP NOT NULL,  -- UTC
    PRIMARY KEY (task_id, rater_id)
);

-- A rater's session epoch: a signed session token names the epoch it was issued in, and stops working when
-- the epoch moves on (sign-out, secret reset, removal). No row: epoch 0. A table of its own because DuckDB
-- cannot alter `raters`, which other tables reference.
CREATE TABLE IF NOT EXISTS rater_sessions (
    rater_id  VARCHAR PRIMARY KEY,
    epoch     BIGINT NOT NULL
);
