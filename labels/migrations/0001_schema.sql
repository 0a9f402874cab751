-- The judgment store's tables. Ids are assigned by the store (max + 1 under its write lock),
-- so that ids follow insertion order exactly; judgments are append-only.

CREATE TABLE raters (
    rater_id        VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('rater', 'researcher', 'admin')),
    credential_hash VARCHAR,                 -- pbkdf2_sha256$iterations$salt$hash, NULL: cannot sign in
    simulated       BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMP NOT NULL       -- UTC
);

CREATE TABLE query_sets (
    name        VARCHAR PRIMARY KEY,
    description VARCHAR NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE queries (
    query_id          VARCHAR PRIMARY KEY,
    query_set         VARCHAR NOT NULL REFERENCES query_sets (name),
    query_type        VARCHAR NOT NULL CHECK (query_type IN ('descriptor', 'pivot', 'text', 'image')),
    text              VARCHAR,
    image_item_id     VARCHAR,
    image_path        VARCHAR,
    crop              DOUBLE[],              -- [x0, y0, x1, y1] or NULL
    target_attributes VARCHAR NOT NULL,      -- JSON object {family: value}
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE configs (
    name        VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    config_json VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (name, config_hash)
);

CREATE TABLE runs (
    run_id        BIGINT PRIMARY KEY,
    config_name   VARCHAR NOT NULL,
    config_hash   VARCHAR NOT NULL,
    query_id      VARCHAR NOT NULL REFERENCES queries (query_id),
    run_at        TIMESTAMP NOT NULL,
    model_version VARCHAR NOT NULL,
    index_version VARCHAR NOT NULL,
    FOREIGN KEY (config_name, config_hash) REFERENCES configs (name, config_hash)
);

CREATE TABLE run_results (
    run_id    BIGINT NOT NULL REFERENCES runs (run_id),
    rank      INTEGER NOT NULL CHECK (rank >= 1),
    item_id   VARCHAR NOT NULL,
    score     DOUBLE NOT NULL,
    breakdown VARCHAR NOT NULL,              -- JSON object {feature: value}
    PRIMARY KEY (run_id, rank)
);

-- One row per task pool; which configs were pooled is kept here, never on the tasks.
CREATE TABLE pools (
    pool_id      BIGINT PRIMARY KEY,
    query_set    VARCHAR NOT NULL,
    config_names VARCHAR NOT NULL,           -- JSON list
    mode         VARCHAR NOT NULL,
    k            INTEGER NOT NULL,
    overlap      INTEGER NOT NULL,
    gold_rate    DOUBLE NOT NULL,
    seed         BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- A (query, item, mode) pair to judge. Task ids are given in shuffled order, so neither the id
-- nor the order reveals the config or rank that produced a task.
CREATE TABLE tasks (
    task_id    BIGINT PRIMARY KEY,
    query_id   VARCHAR NOT NULL REFERENCES queries (query_id),
    item_id    VARCHAR NOT NULL,
    mode       VARCHAR NOT NULL CHECK (mode IN ('graded', 'binary')),
    is_gold    BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (query_id, item_id, mode, is_gold)
);

-- Which pools hold a task, and how many raters each wants on it (NULL: every rater, for gold).
CREATE TABLE pool_tasks (
    pool_id BIGINT NOT NULL REFERENCES pools (pool_id),
    task_id BIGINT NOT NULL REFERENCES tasks (task_id),
    overlap INTEGER,
    PRIMARY KEY (pool_id, task_id)
);

CREATE TABLE assignments (
    assignment_id BIGINT PRIMARY KEY,
    task_id       BIGINT NOT NULL REFERENCES tasks (task_id),
    rater_id      VARCHAR NOT NULL REFERENCES raters (rater_id),
    assigned_at   TIMESTAMP NOT NULL
);

-- Append-only: a changed label is a new row; `latest_judgments` shows the newest per (task, rater).
-- task_id and rater_id are checked by the store inside the writing transaction (set-based for bulk
-- loads) so that the error can name the bad value and the fix.
CREATE TABLE judgments (
    judgment_id   BIGINT PRIMARY KEY,
    task_id       BIGINT NOT NULL,
    rater_id      VARCHAR NOT NULL,
    label         SMALLINT NOT NULL CHECK (label BETWEEN 0 AND 4),
    mode          VARCHAR NOT NULL CHECK (mode IN ('graded', 'binary')),
    seconds_spent DOUBLE NOT NULL CHECK (seconds_spent >= 0),
    comment       VARCHAR,
    is_gold       BOOLEAN NOT NULL,
    judged_at     TIMESTAMP NOT NULL,
    CHECK (mode = 'graded' OR label <= 1)
);

CREATE VIEW latest_judgments AS
SELECT *
FROM judgments
QUALIFY row_number() OVER (PARTITION BY task_id, rater_id ORDER BY judgment_id DESC) = 1;

CREATE TABLE gold_answers (
    query_id       VARCHAR NOT NULL REFERENCES queries (query_id),
    item_id        VARCHAR NOT NULL,
    mode           VARCHAR NOT NULL CHECK (mode IN ('graded', 'binary')),
    expected_label SMALLINT NOT NULL CHECK (expected_label BETWEEN 0 AND 4),
    note           VARCHAR,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (query_id, item_id, mode)
);

-- Rating guidelines, loaded from labels/guidelines/*.md; a new text is a new version.
CREATE TABLE guidelines (
    mode      VARCHAR NOT NULL,
    version   INTEGER NOT NULL,
    body      VARCHAR NOT NULL,              -- Markdown
    loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (mode, version)
);
