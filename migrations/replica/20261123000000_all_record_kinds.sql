-- Issue 3: every record kind as a document, with projections for each, open conflicts,
-- duplicate candidates and provisional MRN blocks.
--
-- Projection tables are derived data: each holds the columns queries filter and sort on,
-- plus `detail`, the domain's pure projection of the document as JSON. They are dropped and
-- recreated here, and `meta.projection_version = 0` makes the replica rebuild every
-- projection from the documents (the truth) the next time it opens.
--
-- The store runs migrations with foreign keys off (SQLite's documented way to rebuild a
-- table others reference) and checks every foreign key before this migration commits.

-- documents: the kind CHECK widens to every record kind. SQLite cannot alter a CHECK, so
-- the table is rebuilt with the same rows.
CREATE TABLE documents_v2 (
    id     TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('patient', 'vitals', 'encounter', 'handover',
                                         'template', 'patient_link')),
    bytes  BLOB NOT NULL,
    heads  TEXT NOT NULL
) STRICT;
INSERT INTO documents_v2 (id, kind, bytes, heads) SELECT id, kind, bytes, heads FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;

ALTER TABLE meta ADD COLUMN projection_version INTEGER NOT NULL DEFAULT 0;

DROP TABLE patients;
DROP TABLE vitals;

CREATE TABLE patients (
    id             TEXT PRIMARY KEY REFERENCES documents (id),
    name           TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL,
    mrn            TEXT NOT NULL,
    provisional    INTEGER NOT NULL CHECK (provisional IN (0, 1)),
    -- normalized name + date of birth + phone digits; NULL when too little is known
    duplicate_key  TEXT,
    detail         TEXT NOT NULL
) STRICT;
CREATE INDEX patients_by_name ON patients (name COLLATE NOCASE, id);
CREATE INDEX patients_by_duplicate_key ON patients (duplicate_key)
    WHERE duplicate_key IS NOT NULL;

-- No foreign key to patients in the projections that name a patient: a pulled record may
-- name a patient whose document is still on its way; queries join on what is present.
CREATE TABLE vitals (
    id          TEXT PRIMARY KEY REFERENCES documents (id),
    patient_id  TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL
) STRICT;
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at DESC, id DESC);

CREATE TABLE encounters (
    id                TEXT PRIMARY KEY REFERENCES documents (id),
    patient_id        TEXT NOT NULL,
    template_id       TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    status            TEXT NOT NULL,
    encounter_date    TEXT NOT NULL,
    detail            TEXT NOT NULL
) STRICT;
CREATE INDEX encounters_by_patient ON encounters (patient_id, encounter_date DESC, id DESC);

CREATE TABLE handovers (
    id          TEXT PRIMARY KEY REFERENCES documents (id),
    ward        TEXT NOT NULL,
    sort_key    TEXT NOT NULL,
    detail      TEXT NOT NULL
) STRICT;
CREATE INDEX handovers_by_ward ON handovers (ward, sort_key DESC, id DESC);

CREATE TABLE templates (
    id              TEXT PRIMARY KEY REFERENCES documents (id),
    name            TEXT NOT NULL,
    latest_version  INTEGER,
    detail          TEXT NOT NULL
) STRICT;
CREATE INDEX templates_by_name ON templates (name COLLATE NOCASE, id);

-- A merge of two patient records (survivor keeps, merged is shown under it); status
-- 'active' or 'undone'.
CREATE TABLE patient_links (
    id           TEXT PRIMARY KEY REFERENCES documents (id),
    survivor_id  TEXT NOT NULL,
    merged_id    TEXT NOT NULL,
    status       TEXT NOT NULL,
    detail       TEXT NOT NULL
) STRICT;
CREATE INDEX patient_links_by_merged ON patient_links (merged_id) WHERE status = 'active';
CREATE INDEX patient_links_by_survivor ON patient_links (survivor_id) WHERE status = 'active';

-- Open conflicts of every document, refreshed whenever a document changes (locally or by
-- a pull), so listing them never walks documents. detail: the domain's Conflict as JSON.
CREATE TABLE open_conflicts (
    doc_id  TEXT NOT NULL REFERENCES documents (id),
    kind    TEXT NOT NULL,
    path    TEXT NOT NULL,
    detail  TEXT NOT NULL,
    PRIMARY KEY (doc_id, path)
) STRICT;

-- Pairs of live patients that look like the same person (same duplicate key) and are not
-- linked; patient_a < patient_b. Recomputed after every registration and pulled page.
CREATE TABLE duplicate_candidates (
    patient_a      TEXT NOT NULL,
    patient_b      TEXT NOT NULL,
    duplicate_key  TEXT NOT NULL,
    PRIMARY KEY (patient_a, patient_b),
    CHECK (patient_a < patient_b)
) STRICT;

-- Provisional MRN blocks this workstation holds: numbers first..=last, `next` is the next
-- one to hand out (last + 1 when the block is used up). Kept after use, as a record of
-- which numbers this workstation had.
CREATE TABLE mrn_blocks (
    first        INTEGER PRIMARY KEY CHECK (first > 0),
    last         INTEGER NOT NULL,
    prefix       TEXT NOT NULL,
    next         INTEGER NOT NULL,
    received_at  TEXT NOT NULL,
    CHECK (last >= first),
    CHECK (next BETWEEN first AND last + 1)
) STRICT;
