//! The section library's starters: building blocks an admin drops onto a form instead of
//! building common exams field by field (vitals, review of systems, physical exam,
//! assessment and plan, visual acuity, intraocular pressure, range of motion, the
//! pre-operative checklist). Each is an ordinary section; its field ids carry the section's
//! id as a prefix so that several starters sit in one template without clashing. Every
//! starter is itself publishable (checked by the tests).

use super::content::{AutoPopulate, FieldType, GridPos, TemplateField, TemplateSection};
use crate::document::vitals::SPECS;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One starter: a key to ask for it by, a one-line description, and the section itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct LibrarySection {
    pub key: String,
    pub description: String,
    pub section: TemplateSection,
    /// Who saved it to the clinic's library; `None` for a built-in starter.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_by: Option<String>,
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn field(
    id: &str,
    label: &str,
    field_type: FieldType,
    grid: (u32, u32, u32, u32),
) -> TemplateField {
    TemplateField::new(
        id,
        label,
        field_type,
        GridPos::new(grid.0, grid.1, grid.2, grid.3),
    )
}

fn number(unit: &str, min: f64, max: f64) -> FieldType {
    FieldType::Number {
        unit: unit.into(),
        min: Some(min),
        max: Some(max),
    }
}

fn select(options: &[&str]) -> FieldType {
    FieldType::Select {
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    }
}

fn section(id: &str, title: &str, w: u32, h: u32, fields: Vec<TemplateField>) -> TemplateSection {
    let mut s = TemplateSection::new(id, title, GridPos::new(0, 0, w, h));
    s.fields = fields;
    s
}

fn vitals() -> TemplateSection {
    let mut fields: Vec<TemplateField> = SPECS
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let i = u32::try_from(i).unwrap_or(0);
            let mut f = field(
                &format!("vitals_{}", spec.field),
                &capitalised(spec.label),
                number(spec.unit, spec.min, spec.max),
                ((i % 4) * 3, i / 4, 3, 1),
            );
            f.auto_populate = AutoPopulate::FromVitals {
                field: spec.field.to_owned(),
            };
            f
        })
        .collect();
    fields.push(field(
        "vitals_set",
        "Vitals set",
        FieldType::VitalsBlock,
        (0, 2, 12, 1),
    ));
    section("vitals", "Vitals", 12, 3, fields)
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn review_of_systems() -> TemplateSection {
    let systems = [
        "Constitutional",
        "Eyes",
        "ENT",
        "Cardiovascular",
        "Respiratory",
        "Gastrointestinal",
        "Genitourinary",
        "Musculoskeletal",
        "Skin",
        "Neurological",
        "Psychiatric",
        "Endocrine",
    ];
    let fields = vec![
        field(
            "ros_positive",
            "Positive systems",
            FieldType::MultiSelect {
                options: systems.iter().map(|s| (*s).to_owned()).collect(),
            },
            (0, 0, 6, 2),
        ),
        field(
            "ros_all_negative",
            "All other systems negative",
            FieldType::Checkbox,
            (6, 0, 6, 1),
        ),
        field(
            "ros_notes",
            "Review of systems notes",
            FieldType::LongText,
            (0, 2, 12, 2),
        ),
    ];
    section("ros", "Review of systems", 12, 4, fields)
}

fn physical_exam() -> TemplateSection {
    let normal = ["Normal", "Abnormal", "Not examined"];
    let areas = [
        ("pe_general", "General"),
        ("pe_heent", "HEENT"),
        ("pe_chest", "Chest"),
        ("pe_heart", "Heart"),
        ("pe_abdomen", "Abdomen"),
        ("pe_neuro", "Neurological"),
    ];
    let mut fields: Vec<TemplateField> = areas
        .iter()
        .enumerate()
        .map(|(i, (id, label))| {
            let i = u32::try_from(i).unwrap_or(0);
            field(id, label, select(&normal), ((i % 3) * 4, i / 3, 4, 1))
        })
        .collect();
    fields.push(field(
        "pe_findings",
        "Findings",
        FieldType::LongText,
        (0, 2, 12, 2),
    ));
    section("physical_exam", "Physical exam", 12, 4, fields)
}

fn assessment_and_plan() -> TemplateSection {
    let fields = vec![
        field(
            "ap_diagnosis",
            "Working diagnosis",
            FieldType::Text,
            (0, 0, 8, 1),
        ),
        field("ap_icd10", "ICD-10 code", FieldType::Text, (8, 0, 4, 1)),
        field("ap_plan", "Plan", FieldType::LongText, (0, 1, 12, 2)),
        field(
            "ap_follow_up",
            "Follow-up date",
            FieldType::Date,
            (0, 3, 4, 1),
        ),
    ];
    section("assessment_plan", "Assessment and plan", 12, 4, fields)
}

fn visual_acuity() -> TemplateSection {
    let snellen = [
        "6/5", "6/6", "6/9", "6/12", "6/18", "6/24", "6/36", "6/60", "CF", "HM", "PL", "NPL",
    ];
    let fields = vec![
        field(
            "va_od",
            "Visual acuity OD (right)",
            select(&snellen),
            (0, 0, 3, 1),
        ),
        field(
            "va_os",
            "Visual acuity OS (left)",
            select(&snellen),
            (3, 0, 3, 1),
        ),
        field(
            "va_correction",
            "With correction",
            FieldType::Checkbox,
            (0, 1, 3, 1),
        ),
        field(
            "va_pinhole",
            "Pinhole improves",
            FieldType::Checkbox,
            (3, 1, 3, 1),
        ),
    ];
    section("visual_acuity", "Visual acuity (OD/OS)", 6, 2, fields)
}

fn intraocular_pressure() -> TemplateSection {
    let fields = vec![
        field(
            "iop_od",
            "IOP OD (right)",
            number("mmHg", 0.0, 80.0),
            (0, 0, 3, 1),
        ),
        field(
            "iop_os",
            "IOP OS (left)",
            number("mmHg", 0.0, 80.0),
            (3, 0, 3, 1),
        ),
        field(
            "iop_method",
            "Method",
            select(&["Goldmann applanation", "Non-contact", "Tonopen", "iCare"]),
            (0, 1, 6, 1),
        ),
    ];
    section("iop", "Intraocular pressure", 6, 2, fields)
}

fn range_of_motion() -> TemplateSection {
    let fields = vec![
        field(
            "rom_joint",
            "Joint",
            select(&[
                "Shoulder", "Elbow", "Wrist", "Hip", "Knee", "Ankle", "Spine",
            ]),
            (0, 0, 4, 1),
        ),
        field(
            "rom_side",
            "Side",
            select(&["Left", "Right", "Both"]),
            (4, 0, 4, 1),
        ),
        field(
            "rom_flexion",
            "Flexion",
            number("deg", 0.0, 180.0),
            (0, 1, 4, 1),
        ),
        field(
            "rom_extension",
            "Extension",
            number("deg", -90.0, 180.0),
            (4, 1, 4, 1),
        ),
        field(
            "rom_pain",
            "Pain on movement",
            FieldType::Checkbox,
            (8, 1, 4, 1),
        ),
        field("rom_notes", "Notes", FieldType::LongText, (0, 2, 12, 2)),
    ];
    section("range_of_motion", "Range of motion", 12, 4, fields)
}

fn pre_op_checklist() -> TemplateSection {
    let checks = [
        ("preop_identity", "Identity and procedure confirmed"),
        ("preop_site_marked", "Site marked"),
        ("preop_consent", "Consent signed"),
        ("preop_fasting", "Fasting confirmed"),
        ("preop_allergies", "Allergies reviewed"),
        ("preop_anticoagulants", "Anticoagulants stopped or managed"),
    ];
    let mut fields: Vec<TemplateField> = checks
        .iter()
        .enumerate()
        .map(|(i, (id, label))| {
            let i = u32::try_from(i).unwrap_or(0);
            field(id, label, FieldType::Checkbox, ((i % 2) * 6, i / 2, 6, 1))
        })
        .collect();
    fields.push(field(
        "preop_asa",
        "ASA class",
        select(&["I", "II", "III", "IV", "V", "VI"]),
        (0, 3, 4, 1),
    ));
    fields.push(field(
        "preop_last_meal",
        "Last oral intake",
        FieldType::Date,
        (4, 3, 4, 1),
    ));
    section("preop_checklist", "Pre-operative checklist", 12, 4, fields)
}

/// Every starter, in the order the designer lists them.
pub fn starter_sections() -> Vec<LibrarySection> {
    vec![
        LibrarySection {
            key: "vitals".into(),
            description: "Vital signs, pre-filled from the patient's latest vitals set".into(),
            section: vitals(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "ros".into(),
            description: "Review of systems: positive systems and notes".into(),
            section: review_of_systems(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "physical_exam".into(),
            description: "Physical exam by area, normal or abnormal, with findings".into(),
            section: physical_exam(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "assessment_plan".into(),
            description: "Working diagnosis, ICD-10 code, plan and follow-up".into(),
            section: assessment_and_plan(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "visual_acuity".into(),
            description: "Ophthalmology: Snellen acuity for each eye".into(),
            section: visual_acuity(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "iop".into(),
            description: "Ophthalmology: intraocular pressure for each eye and method".into(),
            section: intraocular_pressure(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "range_of_motion".into(),
            description: "Orthopaedics: joint, side, flexion and extension in degrees".into(),
            section: range_of_motion(),
            saved_by: None,
            saved_at: None,
        },
        LibrarySection {
            key: "preop_checklist".into(),
            description: "Surgery: identity, site, consent, fasting, allergies, ASA class".into(),
            section: pre_op_checklist(),
            saved_by: None,
            saved_at: None,
        },
    ]
}
