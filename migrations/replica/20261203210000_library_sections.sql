-- Sections admins saved to the clinic's section library: a new record kind,
-- `library_section`, one document each, and its projection table (the designer's palette
-- reads the offered ones by title).
--
-- documents: the kind CHECK widens to the new kind. SQLite cannot alter a CHECK, so the
-- table is rebuilt with the same rows (foreign keys are off while migrations run and are
-- checked before this one commits).
CREATE TABLE documents_v3 (
    id     TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('patient', 'vitals', 'encounter', 'handover',
                                         'template', 'patient_link', 'library_section')),
    bytes  BLOB NOT NULL,
    heads  TEXT NOT NULL
) STRICT;
INSERT INTO documents_v3 (id, kind, bytes, heads) SELECT id, kind, bytes, heads FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;

CREATE TABLE library_sections (
    id       TEXT PRIMARY KEY REFERENCES documents (id),
    title    TEXT NOT NULL,
    offered  INTEGER NOT NULL CHECK (offered IN (0, 1)),
    detail   TEXT NOT NULL
) STRICT;
CREATE INDEX library_sections_offered ON library_sections (title) WHERE offered = 1;
