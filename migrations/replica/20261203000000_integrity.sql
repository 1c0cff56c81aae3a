-- Clinical integrity (issue 7): users' signing keys, encounter signatures kept
-- append-only outside the CRDT, failed signing-password attempts, and the audit log
-- becoming a hash chain that is never rewritten.
-- Append-only: a shipped migration is never edited; later changes get a new file.

-- Each user's Ed25519 public key (base64) and password-wrapped private key (JSON), as the
-- server sent them; NULL for a user whose key was never made.
ALTER TABLE users ADD COLUMN signing_public_key TEXT;
ALTER TABLE users ADD COLUMN signing_key_wrapped TEXT;

-- Every signature this workstation made or received: the manifest exactly as signed and
-- its Ed25519 signature. seq orders them here; signatures made here with seq above
-- meta_integrity.signatures_pushed_seq are still to be sent.
CREATE TABLE signatures (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    signature_id  TEXT    NOT NULL UNIQUE,
    encounter_id  TEXT    NOT NULL,
    signer_id     TEXT    NOT NULL,
    signed_at     TEXT    NOT NULL,
    manifest      TEXT    NOT NULL,
    signature     TEXT    NOT NULL,
    made_here     INTEGER NOT NULL CHECK (made_here IN (0, 1))
) STRICT;
CREATE INDEX signatures_by_encounter ON signatures (encounter_id, seq);

CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'signatures are append-only: a signature is never changed');
END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'signatures are append-only: a signature is never deleted');
END;

-- Failed signing-password attempts since each user's last successful signature here;
-- three block signing for that user until an admin clears it.
CREATE TABLE signing_failures (
    user_id     TEXT    PRIMARY KEY,
    failures    INTEGER NOT NULL CHECK (failures >= 0),
    blocked_at  TEXT
) STRICT;

-- Sync cursors of the integrity step (one row).
CREATE TABLE meta_integrity (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    signatures_pushed_seq   INTEGER NOT NULL DEFAULT 0,
    signatures_pulled_after INTEGER NOT NULL DEFAULT 0,
    audit_pushed_seq        INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO meta_integrity (id) VALUES (1);

-- The audit log's category of event (read, write, sign_in, ...); `action` keeps the
-- precise dotted name. Rows written before this migration were all writes.
ALTER TABLE audit_log ADD COLUMN category TEXT NOT NULL DEFAULT 'write';

-- A chained audit row is never changed or removed. Rows from before the chain existed
-- (hash NULL) are sealed once, in order, when the replica next opens.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never deleted');
END;
