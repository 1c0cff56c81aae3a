-- Break-the-glass and admin oversight (issue 7): the reason a user gave for opening a
-- restricted patient travels in their audit entry (covered by its hash), the patients an
-- admin marked restricted, and indexes for listing audit entries and alerts.
--
-- audit_entries stays append-only: a new nullable column changes no stored row.

ALTER TABLE audit_entries ADD COLUMN reason text
    CHECK (reason IS NULL OR char_length(reason) BETWEEN 1 AND 500);

-- Restricted patients of a clinic: opening one without a care relationship needs a
-- reason on the workstation. Kept by the server (admins set it), sent whole to every
-- workstation of the clinic at each sync.
CREATE TABLE restricted_patients (
    clinic_id     uuid        NOT NULL REFERENCES clinics (clinic_id),
    patient_id    uuid        NOT NULL,
    restricted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, patient_id)
);

-- Alerts are the break-the-glass entries and the signing blocks.
CREATE INDEX audit_entries_alerts ON audit_entries (clinic_id, action, detail);
