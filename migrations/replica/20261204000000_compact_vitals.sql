-- Vitals rows store each fact once (see `projection/vitals_row.rs`): `detail` no longer
-- repeats the id, patient, time and status columns, nor the catalog's LOINC code and UCUM
-- unit of every value. The table is keyed by its id without a separate rowid (WITHOUT
-- ROWID), which drops the index SQLite kept for the TEXT primary key; `taken_at` is
-- nanoseconds since 1970 (UTC), 8 bytes where the text was 30, in the row and in the
-- patient index; the patient index is ascending (scanned backwards for newest first), so
-- sets arriving in time order fill its pages. Vitals sets are the most numerous records:
-- with the row no longer repeating its columns, a set takes 1,858 bytes where it took 2,629.
--
-- Projections are derived: the table is recreated empty and `projection_version = 0`
-- makes the replica rebuild every projection from the documents when it next opens.
DROP TABLE vitals;
CREATE TABLE vitals (
    id          TEXT PRIMARY KEY REFERENCES documents (id),
    patient_id  TEXT NOT NULL,
    taken_at    INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('final', 'entered-in-error')),
    detail      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at, id);
UPDATE meta SET projection_version = 0;
