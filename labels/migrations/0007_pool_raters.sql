-- Task pools kept to chosen raters. A pool with no row here is open to every rater (as before); a pool with
-- rows is offered only to the raters named. A task in several pools is offered to a rater when any of its
-- pools is open to them.
CREATE TABLE IF NOT EXISTS pool_raters (
    pool_id   BIGINT NOT NULL,
    rater_id  VARCHAR NOT NULL,
    PRIMARY KEY (pool_id, rater_id)
);
