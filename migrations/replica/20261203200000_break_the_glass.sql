-- Break-the-glass (issue 7): the reason a user gives travels in their audit entry
-- (covered by its hash); the clinic's restricted patients as the server last sent them;
-- the time-limited accesses granted here; how long one lasts.

ALTER TABLE audit_log ADD COLUMN reason TEXT;

CREATE TABLE restricted_patients (
    patient_id TEXT PRIMARY KEY
) STRICT;

-- One row per break-the-glass: valid until expires_at (RFC 3339 UTC, microseconds, so
-- text order is time order), checked on every read.
CREATE TABLE glass_access (
    user_id    TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (user_id, patient_id, granted_at)
) STRICT;

ALTER TABLE meta_integrity ADD COLUMN glass_minutes INTEGER NOT NULL DEFAULT 30
    CHECK (glass_minutes BETWEEN 1 AND 720);
