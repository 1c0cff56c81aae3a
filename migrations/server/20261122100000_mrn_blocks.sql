-- Provisional MRN blocks (issue 3).
--
-- A workstation that registers patients offline cannot ask anyone for the next medical
-- record number, so the server hands each workstation a block of numbers in advance.
-- Each clinic has its own sequence: `clinics.mrn_next` is the first number not yet handed
-- out, and an allocation is one `UPDATE ... RETURNING` on that row, so concurrent
-- requests take turns and blocks never overlap. Numbers are shown as
-- `{mrn_prefix}{n:06}` (e.g. P-000123), the prefix being a per-clinic setting.

ALTER TABLE clinics
    ADD COLUMN mrn_prefix text   NOT NULL DEFAULT 'P-'
        CHECK (length(mrn_prefix) BETWEEN 1 AND 20),
    ADD COLUMN mrn_next   bigint NOT NULL DEFAULT 1
        CHECK (mrn_next > 0);

-- Every block handed out, with the prefix it was handed out under: who holds which
-- numbers, so an admin can trace any provisional MRN back to its workstation.
CREATE TABLE mrn_blocks (
    clinic_id    uuid        NOT NULL REFERENCES clinics (clinic_id),
    first_number bigint      NOT NULL CHECK (first_number > 0),
    last_number  bigint      NOT NULL,
    prefix       text        NOT NULL,
    device_id    uuid        NOT NULL,
    allocated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, first_number),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id),
    CHECK (last_number >= first_number)
);
CREATE INDEX mrn_blocks_by_device ON mrn_blocks (clinic_id, device_id);

-- Allocations are history, like changes: nothing rewrites or removes one.
CREATE FUNCTION outpost_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER mrn_blocks_append_only
    BEFORE UPDATE OR DELETE ON mrn_blocks
    FOR EACH ROW EXECUTE FUNCTION outpost_append_only();
