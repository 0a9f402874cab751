-- Batches of writes queued in the store's inbox by a process that could not open the file (the app held it),
-- applied by the writing process. A row is written in the batch's own transaction, so a batch applied once is
-- never applied twice, even when the process stopped between the commit and deleting the batch's file.
CREATE TABLE IF NOT EXISTS inbox_batches (
    batch_id    VARCHAR PRIMARY KEY,
    queued_by   VARCHAR NOT NULL,   -- the command that queued it, e.g. `workbench eval run`
    queued_at   TIMESTAMP NOT NULL, -- UTC
    applied_at  TIMESTAMP NOT NULL  -- UTC
);
