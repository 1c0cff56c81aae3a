-- Signed audit checkpoints (issue 7): each clinic's Ed25519 key with which the server
-- signs "device D's audit chain holds entry N with hash H", so a workstation's chain cut
-- short after the server saw it is detectable. The private key stays in the database the
-- server already trusts; rotating it means adding a row in a later design.

CREATE TABLE audit_checkpoint_keys (
    clinic_id    uuid        PRIMARY KEY REFERENCES clinics (clinic_id),
    public_key   bytea       NOT NULL CHECK (length(public_key) = 32),
    private_key  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
