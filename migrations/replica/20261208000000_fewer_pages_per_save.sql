-- A charting save is one durable transaction; every page it touches is written to the WAL,
-- encrypted and flushed. Two of those pages held nothing a save needs:
--
-- 1. `sqlite_sequence`: `audit_log` was declared AUTOINCREMENT, so SQLite also recorded
--    the largest sequence number ever used, on a page of its own, at every insert. Audit
--    rows are never deleted (trigger `audit_log_no_delete`) and each row's `seq` is chosen
--    by the writer as the chain's next, so a plain integer key gives the same numbers.
--    The table is rebuilt with the same rows and triggers. Dropping a table fires no
--    DELETE trigger.
--
-- 2. `changes_unpushed`: a partial index over this replica's changes not yet pushed, one
--    more page per save. Pushed changes are always a prefix (1..=n) of this replica's
--    counters, so `meta.pushed_through` (on the page a save writes anyway) now says where
--    the unpushed ones start, and the primary key finds them. `changes.pushed` stays, kept
--    equal to `counter <= pushed_through`.
CREATE TABLE audit_log_v2 (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    doc_id     TEXT,
    prev_hash  TEXT,
    hash       TEXT,
    category   TEXT NOT NULL DEFAULT 'write',
    reason     TEXT
) STRICT;
INSERT INTO audit_log_v2 (seq, at, actor, action, doc_id, prev_hash, hash, category, reason)
SELECT seq, at, actor, action, doc_id, prev_hash, hash, category, reason FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v2 RENAME TO audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never deleted');
END;

ALTER TABLE meta ADD COLUMN pushed_through INTEGER NOT NULL DEFAULT 0
    CHECK (pushed_through >= 0);
-- From the first unpushed change (were `pushed` ever not a prefix, changes the server
-- holds are sent again, which it answers idempotently; none is skipped).
UPDATE meta SET pushed_through = COALESCE(
    (SELECT min(counter) - 1 FROM changes
     WHERE changes.replica_id = meta.replica_id AND pushed = 0),
    (SELECT max(counter) FROM changes WHERE changes.replica_id = meta.replica_id),
    0);
DROP INDEX changes_unpushed;
