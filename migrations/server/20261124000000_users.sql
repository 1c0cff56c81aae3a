-- Users, sign-ins, sessions and failed logins (issue 4: users and sessions).
--
-- Every table leads with clinic_id. Passwords are kept only as argon2id PHC strings
-- (parameters travel with the hash); session tokens only as their SHA-256.

CREATE TABLE users (
    clinic_id   uuid        NOT NULL REFERENCES clinics (clinic_id),
    user_id     uuid        NOT NULL,
    username    text        NOT NULL CHECK (username ~ '^[a-z0-9._-]{1,64}$'),
    full_name   text        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    role        text        NOT NULL
        CHECK (role IN ('admin', 'doctor', 'surgeon', 'nurse', 'front_desk', 'lab')),
    verifier    text        NOT NULL CHECK (verifier LIKE '$argon2id$%'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    PRIMARY KEY (clinic_id, user_id)
);
CREATE UNIQUE INDEX users_username ON users (clinic_id, username);

-- Who signed in on which device: online logins, and offline ones the device reported
-- (sign_in_id is the device's own id for it, so a report sent twice is stored once).
-- The server accepts a change's author only if that user signed in on that device.
CREATE TABLE sign_ins (
    clinic_id   uuid        NOT NULL,
    sign_in_id  uuid        NOT NULL,
    device_id   uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    at          timestamptz NOT NULL,
    online      boolean     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, sign_in_id),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, user_id)
);
CREATE INDEX sign_ins_by_device_user ON sign_ins (clinic_id, device_id, user_id);

-- Online sessions: a token bound to one device and one user.
CREATE TABLE sessions (
    clinic_id  uuid        NOT NULL,
    token_hash bytea       NOT NULL,
    device_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (clinic_id, token_hash),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, user_id)
);

-- Every counted failed login (online, or offline as a device reported it), for the
-- per-hour cap and for admins; failure_id dedups reports like sign_in_id.
CREATE TABLE login_failures (
    clinic_id   uuid        NOT NULL,
    failure_id  uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    device_id   uuid        NOT NULL,
    at          timestamptz NOT NULL,
    online      boolean     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, failure_id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, user_id)
);
CREATE INDEX login_failures_by_user ON login_failures (clinic_id, user_id, at);

-- The lockout state of an account: failures since its last successful sign-in.
CREATE TABLE login_lockouts (
    clinic_id       uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    failures        integer     NOT NULL CHECK (failures >= 0),
    last_failure_at timestamptz,
    PRIMARY KEY (clinic_id, user_id),
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, user_id)
);
