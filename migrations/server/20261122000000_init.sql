-- Outpost sync server schema, first version.
--
-- Every table leads with clinic_id and every query filters by it, so the schema can be
-- distributed by clinic_id (e.g. on Citus) without change. Shipped migrations are never
-- edited: add a new timestamped file instead.

CREATE TABLE clinics (
    clinic_id  uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A workstation enrolled in one clinic. Only the SHA-256 of its token is kept.
CREATE TABLE devices (
    clinic_id   uuid        NOT NULL REFERENCES clinics (clinic_id),
    device_id   uuid        NOT NULL,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    replica_id  uuid        NOT NULL,
    token_hash  bytea       NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    flagged_at  timestamptz,
    flag_reason text,
    PRIMARY KEY (clinic_id, device_id)
);
CREATE UNIQUE INDEX devices_token_hash ON devices (clinic_id, token_hash);
-- One live device per replica in a clinic; a revoked device's replica may enroll again.
CREATE UNIQUE INDEX devices_live_replica ON devices (clinic_id, replica_id)
    WHERE revoked_at IS NULL;

-- One-time codes an admin hands to a workstation. Only the SHA-256 of the code is kept.
-- A code is how a workstation discovers its clinic, so redeeming looks it up by hash.
CREATE TABLE enrollment_codes (
    clinic_id   uuid        NOT NULL REFERENCES clinics (clinic_id),
    code_hash   bytea       NOT NULL,
    device_name text        NOT NULL CHECK (length(device_name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    device_id   uuid,
    PRIMARY KEY (clinic_id, code_hash)
);
CREATE INDEX enrollment_codes_by_hash ON enrollment_codes (code_hash);

-- Every Automerge change the clinic's replicas pushed, identified by (replica, counter).
-- server_seq is the arrival order pull pages follow.
CREATE TABLE changes (
    clinic_id   uuid        NOT NULL,
    replica_id  uuid        NOT NULL,
    counter     bigint      NOT NULL CHECK (counter > 0),
    server_seq  bigint      GENERATED ALWAYS AS IDENTITY,
    doc_id      uuid        NOT NULL,
    kind        text        NOT NULL,
    digest      text        NOT NULL,
    bytes       bytea       NOT NULL,
    device_id   uuid        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, replica_id, counter),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id)
);
CREATE UNIQUE INDEX changes_by_seq ON changes (clinic_id, server_seq);

-- Changes are history: nothing rewrites or removes one.
CREATE FUNCTION outpost_changes_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'changes are append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER changes_append_only
    BEFORE UPDATE OR DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION outpost_changes_are_append_only();
