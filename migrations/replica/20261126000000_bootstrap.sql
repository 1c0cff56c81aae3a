-- Bootstrap of a new workstation from the server's compacted documents: the cursor of
-- the last page applied (JSON BootstrapCursor: snapshot, totals and covered version
-- vector), what is done so far, and whether it finished or was skipped. One row while a bootstrap has
-- started; every page's documents and this row change in one transaction, so an
-- interrupted bootstrap resumes after the last page it applied.
CREATE TABLE bootstrap (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor TEXT NOT NULL,
    done_documents INTEGER NOT NULL,
    done_bytes INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
    -- 1: a small clinic, pulled instead (no progress to show).
    skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1))
);
