-- Raters removed from sign-in and labeling. Their judgments stay (a judgment is never deleted); a removed
-- rater cannot sign in and gets no task. A table of its own because DuckDB cannot alter a table that other
-- tables reference (raters is referenced by judgments and assignments).
CREATE TABLE IF NOT EXISTS rater_removals (
    rater_id    VARCHAR PRIMARY KEY,
    removed_at  TIMESTAMP NOT NULL  -- UTC
);
