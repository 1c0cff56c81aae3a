-- Offline login (issue 4): the clinic's users as the server last sent them (argon2id
-- verifiers included, inside the encrypted database), sign-ins and counted failures made
-- here that the next sync reports, each account's lockout state, and who is signed in.
-- Append-only: a shipped migration is never edited; later changes get a new file.

CREATE TABLE users (
    user_id    TEXT    PRIMARY KEY,
    username   TEXT    NOT NULL UNIQUE,
    full_name  TEXT    NOT NULL,
    role       TEXT    NOT NULL
        CHECK (role IN ('admin', 'doctor', 'surgeon', 'nurse', 'front_desk', 'lab')),
    verifier   TEXT    NOT NULL,
    disabled   INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    synced_at  TEXT    NOT NULL
) STRICT;

-- Sign-ins (succeeded = 1) and counted failures (0) judged on this workstation; the
-- attempt id is what the server dedups a re-sent report by.
CREATE TABLE sign_in_attempts (
    attempt_id TEXT    PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    succeeded  INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    reported   INTEGER NOT NULL DEFAULT 0 CHECK (reported IN (0, 1))
) STRICT;
CREATE INDEX sign_in_attempts_unreported ON sign_in_attempts (reported) WHERE reported = 0;
CREATE INDEX sign_in_attempts_by_user ON sign_in_attempts (user_id, at);

-- Failures since each account's last successful sign-in here.
CREATE TABLE login_lockouts (
    user_id         TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_at TEXT
) STRICT;

-- Who is signed in on this workstation now (at most one), until expires_at.
CREATE TABLE current_session (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    user_id      TEXT    NOT NULL,
    signed_in_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
) STRICT;
