-- `documents.kind` was checked with `kind IN ('patient', …)`. SQLite evaluates an IN list
-- of more than two values by building a temporary b-tree of the list (an ephemeral table:
-- its own pager and page cache, opened and closed), and a CHECK does so for every row it
-- checks. Every new document and every compaction paid it: a twentieth of the time a
-- pulled page of new vitals sets spends writing. The same rule as comparisons is checked
-- in place.
--
-- SQLite cannot change a CHECK constraint: the table is rebuilt with the same rows, like
-- the earlier rebuilds (foreign keys are off while migrations run and are checked before
-- this one commits).
CREATE TABLE documents_v5 (
    id     TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind = 'patient' OR kind = 'vitals' OR kind = 'encounter'
                                OR kind = 'handover' OR kind = 'template'
                                OR kind = 'patient_link' OR kind = 'library_section'),
    bytes  BLOB NOT NULL,
    heads  BLOB NOT NULL CHECK (length(heads) % 32 = 0),
    tail   INTEGER NOT NULL DEFAULT 0 CHECK (tail >= 0)
) STRICT;
INSERT INTO documents_v5 (id, kind, bytes, heads, tail)
SELECT id, kind, bytes, heads, tail FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v5 RENAME TO documents;
