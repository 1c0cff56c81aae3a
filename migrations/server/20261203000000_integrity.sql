-- Clinical integrity (issue 7): users' signing keys, encounter signatures and each
-- device's audit chain, both append-only.
--
-- Append-only is enforced twice: the privileges to UPDATE, DELETE or TRUNCATE these
-- tables are revoked from everyone (the role running the migrations, which is the
-- server's role, included), and triggers refuse those statements for every role,
-- superusers and table owners included (privileges do not bind them).

ALTER TABLE users ADD COLUMN signing_public_key bytea
    CHECK (signing_public_key IS NULL OR length(signing_public_key) = 32);
ALTER TABLE users ADD COLUMN signing_key_wrapped text;

-- Every signature the clinic's workstations made, after the server checked it against
-- the signer's public key and its own copy of the document. seq orders them for the
-- workstations that pull them.
CREATE TABLE signatures (
    clinic_id     uuid        NOT NULL REFERENCES clinics (clinic_id),
    signature_id  text        NOT NULL CHECK (signature_id ~ '^[0-9a-f]{64}$'),
    seq           bigserial   NOT NULL,
    encounter_id  uuid        NOT NULL,
    signer_id     uuid        NOT NULL,
    device_id     uuid        NOT NULL,
    signed_at     timestamptz NOT NULL,
    manifest      text        NOT NULL,
    signature     text        NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, signature_id),
    FOREIGN KEY (clinic_id, signer_id) REFERENCES users (clinic_id, user_id)
);
CREATE INDEX signatures_by_seq ON signatures (clinic_id, seq);
CREATE INDEX signatures_by_encounter ON signatures (clinic_id, encounter_id);

-- Each device's audit chain as the device wrote it, checked link by link on arrival.
CREATE TABLE audit_entries (
    clinic_id    uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    seq          bigint      NOT NULL CHECK (seq >= 1),
    at           text        NOT NULL,
    user_name    text        NOT NULL,
    action       text        NOT NULL,
    detail       text        NOT NULL,
    record_id    text,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, device_id, seq),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id)
);
CREATE INDEX audit_entries_by_record ON audit_entries (clinic_id, record_id);
CREATE INDEX audit_entries_by_user ON audit_entries (clinic_id, user_name, received_at);

CREATE FUNCTION refuse_change_to_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only();
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON signatures, audit_entries FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON signatures, audit_entries FROM CURRENT_USER;
