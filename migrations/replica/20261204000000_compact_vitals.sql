-- Vitals rows store each fact once (see `projection/vitals_row.rs`): `detail` no longer
-- repeats the id, patient, time and status columns, nor the catalog's LOINC code and UCUM
-- unit of every value. The table is keyed by its id without a separate rowid (WITHOUT
-- ROWID), which drops the index SQLite kept for the TEXT primary key: vitals sets are the
-- most numerous records, and this is a third of the bytes each one took.
--
-- Projections are derived: the table is recreated empty and `projection_version = 0`
-- makes the replica rebuild every projection from the documents when it next opens.
DROP TABLE vitals;
CREATE TABLE vitals (
    id          TEXT PRIMARY KEY REFERENCES documents (id),
    patient_id  TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('final', 'entered-in-error')),
    detail      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at, id);
UPDATE meta SET projection_version = 0;
