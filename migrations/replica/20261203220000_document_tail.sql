-- Saving an edit appends the change to its document instead of rewriting the whole
-- document: `documents.bytes` is the last compacted save and `document_tail` holds the
-- changes made or received since, in order. The stored document is the compacted bytes
-- followed by its tail (Automerge loads that concatenation as one document). A document
-- is compacted again, and its tail emptied, once the tail is long (see
-- `projection::COMPACT_AFTER`). `tail` counts the rows, so appending needs no count.
ALTER TABLE documents ADD COLUMN tail INTEGER NOT NULL DEFAULT 0 CHECK (tail >= 0);

CREATE TABLE document_tail (
    doc_id  TEXT NOT NULL REFERENCES documents (id),
    seq     INTEGER NOT NULL CHECK (seq > 0),
    bytes   BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
) STRICT, WITHOUT ROWID;
