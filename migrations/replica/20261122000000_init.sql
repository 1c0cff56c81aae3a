-- The first replica schema: documents (the truth), the local change log (the outbox),
-- the version vector of what this replica holds, query projections, and the audit log.
-- Append-only: a shipped migration is never edited; later changes get a new file.

-- One row (id = 1): who this replica is and where it syncs.
CREATE TABLE meta (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    replica_id    TEXT    NOT NULL,
    counter       INTEGER NOT NULL DEFAULT 0 CHECK (counter >= 0),
    hlc_wall_ms   INTEGER NOT NULL DEFAULT 0,
    hlc_logical   INTEGER NOT NULL DEFAULT 0,
    server_url    TEXT,
    clinic_id     TEXT,
    clinic_name   TEXT,
    device_id     TEXT,
    device_name   TEXT,
    last_sync_at  TEXT
) STRICT;

-- Every record as a saved Automerge document; heads is a JSON array of change hashes.
CREATE TABLE documents (
    id     TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('patient', 'vitals')),
    bytes  BLOB NOT NULL,
    heads  TEXT NOT NULL
) STRICT;

-- Changes made on this replica, in counter order; pushed = 1 once the server holds them.
CREATE TABLE changes (
    replica_id   TEXT    NOT NULL,
    counter      INTEGER NOT NULL CHECK (counter > 0),
    doc_id       TEXT    NOT NULL REFERENCES documents (id),
    kind         TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    digest       TEXT    NOT NULL,
    author       TEXT    NOT NULL,
    hlc_wall_ms  INTEGER NOT NULL,
    hlc_logical  INTEGER NOT NULL,
    wall_ms      INTEGER NOT NULL,
    pushed       INTEGER NOT NULL DEFAULT 0 CHECK (pushed IN (0, 1)),
    PRIMARY KEY (replica_id, counter)
) STRICT;
CREATE INDEX changes_unpushed ON changes (replica_id, counter) WHERE pushed = 0;

-- Version vector: the highest contiguous counter held of every replica, this one included.
CREATE TABLE peer_clock (
    replica_id  TEXT PRIMARY KEY,
    counter     INTEGER NOT NULL CHECK (counter >= 0)
) STRICT;

-- Projections, rebuilt from documents in the same transaction as each change.
CREATE TABLE patients (
    id             TEXT PRIMARY KEY REFERENCES documents (id),
    name           TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL,
    sex            TEXT NOT NULL,
    mrn            TEXT NOT NULL
) STRICT;
CREATE INDEX patients_by_name ON patients (name COLLATE NOCASE, id);

-- No foreign key to patients: a pulled vitals set may name a patient whose document is
-- still on its way; the list queries join on what is present.
CREATE TABLE vitals (
    id                        TEXT PRIMARY KEY REFERENCES documents (id),
    patient_id                TEXT NOT NULL,
    taken_at                  TEXT NOT NULL,
    taken_by                  TEXT NOT NULL,
    status                    TEXT NOT NULL,
    weight_kg                 REAL,
    height_cm                 REAL,
    temperature_c             REAL,
    systolic_mmhg             REAL,
    diastolic_mmhg            REAL,
    heart_rate_per_min        REAL,
    respiratory_rate_per_min  REAL,
    spo2_percent              REAL
) STRICT;
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at DESC, id DESC);

-- Who did what to which record. prev_hash/hash stay NULL until hash-chaining lands.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    doc_id     TEXT,
    prev_hash  TEXT,
    hash       TEXT
) STRICT;
