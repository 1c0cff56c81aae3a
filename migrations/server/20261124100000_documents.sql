-- The server's own copy of every document, the quarantine of pushed changes it refused to
-- apply, and relational reporting tables kept consistent with the documents (issue 4).
--
-- Every table leads with clinic_id and every query filters by it (the one exception is the
-- tenant check of a push, which looks a document id up in the other clinics through
-- documents_by_id to refuse it). Shipped migrations are never edited.

-- One row per document: a compacted Automerge save of every applied change, its heads,
-- and the arrival positions (changes.server_seq) of the change that created it here and
-- of the latest one applied, which bootstrap uses to fix its snapshot.
CREATE TABLE documents (
    clinic_id   uuid        NOT NULL REFERENCES clinics (clinic_id),
    doc_id      uuid        NOT NULL,
    kind        text        NOT NULL,
    bytes       bytea       NOT NULL,
    heads       text[]      NOT NULL,
    created_seq bigint      NOT NULL,
    updated_seq bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, doc_id)
);
CREATE INDEX documents_by_id ON documents (doc_id);
CREATE INDEX documents_by_created ON documents (clinic_id, created_seq);

-- Pushed changes the server received but did not apply, with the reason. A quarantined
-- change still takes its (replica, counter), so counters stay contiguous and the device
-- does not send it again; it is never served by pull. Append-only, like changes.
CREATE TABLE quarantine (
    clinic_id   uuid        NOT NULL,
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    device_id   uuid        NOT NULL,
    replica_id  uuid        NOT NULL,
    counter     bigint      NOT NULL CHECK (counter > 0),
    doc_id      uuid        NOT NULL,
    kind        text        NOT NULL,
    author      text,
    digest      text        NOT NULL,
    bytes       bytea       NOT NULL,
    reason_code text        NOT NULL,
    reason      text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, id),
    UNIQUE (clinic_id, replica_id, counter),
    FOREIGN KEY (clinic_id, device_id) REFERENCES devices (clinic_id, device_id)
);
CREATE TRIGGER quarantine_append_only
    BEFORE UPDATE OR DELETE ON quarantine
    FOR EACH ROW EXECUTE FUNCTION outpost_append_only();

CREATE INDEX devices_flagged ON devices (clinic_id) WHERE flagged_at IS NOT NULL;

-- Reporting: one row per record, rewritten in the push transaction that changed its
-- document, so they always equal the documents. Enumerations are stored as the words
-- the wire uses.
CREATE TABLE report_patients (
    clinic_id     uuid        NOT NULL,
    patient_id    uuid        NOT NULL,
    name          text        NOT NULL,
    date_of_birth date        NOT NULL,
    sex           text        NOT NULL,
    mrn           text        NOT NULL,
    provisional   boolean     NOT NULL,
    phone         text,
    address       text,
    allergy_count integer     NOT NULL,
    active_allergens text[]   NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, patient_id)
);

CREATE TABLE report_encounters (
    clinic_id        uuid        NOT NULL,
    encounter_id     uuid        NOT NULL,
    patient_id       uuid        NOT NULL,
    provider         text        NOT NULL,
    encounter_date   text        NOT NULL,
    encounter_type   text        NOT NULL,
    specialty        text        NOT NULL,
    template_id      uuid        NOT NULL,
    template_version bigint      NOT NULL,
    status           text        NOT NULL,
    field_count      integer     NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, encounter_id)
);
CREATE INDEX report_encounters_by_patient ON report_encounters (clinic_id, patient_id);

-- One numeric column per vital sign of the domain's SPECS (vitals/mod.rs).
CREATE TABLE report_vitals (
    clinic_id                uuid        NOT NULL,
    vitals_id                uuid        NOT NULL,
    patient_id               uuid        NOT NULL,
    taken_at                 timestamptz NOT NULL,
    taken_by                 text        NOT NULL,
    status                   text        NOT NULL,
    weight_kg                double precision,
    height_cm                double precision,
    temperature_c            double precision,
    systolic_mmhg            double precision,
    diastolic_mmhg           double precision,
    heart_rate_per_min       double precision,
    respiratory_rate_per_min double precision,
    spo2_percent             double precision,
    position                 text,
    entered_in_error_reason  text,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, vitals_id)
);
CREATE INDEX report_vitals_by_patient ON report_vitals (clinic_id, patient_id, taken_at);

CREATE TABLE report_handovers (
    clinic_id      uuid        NOT NULL,
    handover_id    uuid        NOT NULL,
    ward           text        NOT NULL,
    from_date      text        NOT NULL,
    from_shift     text        NOT NULL,
    to_date        text        NOT NULL,
    to_shift       text        NOT NULL,
    author         text        NOT NULL,
    item_count     integer     NOT NULL,
    urgent_count   integer     NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, handover_id)
);

CREATE TABLE report_handover_items (
    clinic_id       uuid    NOT NULL,
    handover_id     uuid    NOT NULL,
    item_id         text    NOT NULL,
    position        integer NOT NULL,
    patient_id      uuid    NOT NULL,
    priority        text    NOT NULL,
    situation       text    NOT NULL,
    background      text    NOT NULL,
    assessment      text    NOT NULL,
    recommendation  text    NOT NULL,
    action_required text    NOT NULL,
    acknowledged_by text[]  NOT NULL,
    PRIMARY KEY (clinic_id, handover_id, position),
    FOREIGN KEY (clinic_id, handover_id)
        REFERENCES report_handovers (clinic_id, handover_id) ON DELETE CASCADE
);

CREATE TABLE report_templates (
    clinic_id       uuid        NOT NULL,
    template_id     uuid        NOT NULL,
    name            text        NOT NULL,
    specialty       text        NOT NULL,
    visit_type      text        NOT NULL,
    field_count     integer     NOT NULL,
    latest_version  bigint,
    draft_published boolean     NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clinic_id, template_id)
);
