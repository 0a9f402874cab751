-- Labels a model gave on its own (the model-as-judge gate), kept apart from the people's `judgments`, so that no
-- report, agreement figure, training set or rater view mixes them in unless it asks for them by name. A pooled
-- task with a row here has been judged by the model: the labeling queue no longer offers it to human raters (the
-- human judgments it already had stay). Append-only like `judgments`: a changed label is a new row, and
-- `latest_model_judgments` shows the newest per (task, judge).
CREATE TABLE IF NOT EXISTS model_judgments (
    model_judgment_id BIGINT PRIMARY KEY,
    task_id           BIGINT NOT NULL,
    judge             VARCHAR NOT NULL,       -- e.g. model:relevance; never a human rater's id
    label             SMALLINT NOT NULL CHECK (label BETWEEN 0 AND 4),
    confidence        DOUBLE NOT NULL,        -- the calibrated probability of the label
    threshold         DOUBLE NOT NULL,        -- the gate's threshold when it was written
    checkpoint_sha256 VARCHAR NOT NULL,       -- the model's weights
    judged_at         TIMESTAMP NOT NULL      -- UTC
);

CREATE OR REPLACE VIEW latest_model_judgments AS
SELECT *
FROM model_judgments
QUALIFY row_number() OVER (PARTITION BY task_id, judge ORDER BY model_judgment_id DESC) = 1;
