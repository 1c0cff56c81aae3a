//! Who may do what: the clinic roles and ONE permission matrix, [`permits`], that the
//! replica checks before a write and the server checks again on every pushed change, so an
//! honest workstation never produces a change the server would quarantine.
//!
//! The matrix, by record kind (R = read, C = create, E = edit; `-` = nothing):
//!
//! | kind          | admin | doctor | surgeon | nurse | front desk | lab |
//! |---------------|-------|--------|---------|-------|------------|-----|
//! | patient       | R     | RCE    | RCE     | RCE   | RCE        | R   |
//! | patient_link  | R     | RCE    | RCE     | RCE   | RCE        | -   |
//! | vitals        | -     | RCE    | RCE     | RCE   | -          | -   |
//! | encounter     | -     | RCE    | RCE     | R     | -          | -   |
//! | handover      | -     | RCE    | RCE     | RCE   | -          | -   |
//! | template      | RCE   | R      | R       | R     | -          | -   |
//! | library_section | RCE | -      | -       | -     | -          | -   |
//!
//! Encounters also carry the signature actions (S = sign, K = co-sign, A = amend): only
//! doctors and surgeons have them; no other kind is signed.
//!
//! | kind          | admin | doctor | surgeon | nurse | front desk | lab |
//! |---------------|-------|--------|---------|-------|------------|-----|
//! | encounter     | -     | SKA    | SKA     | -     | -          | -   |
//!
//! Decisions behind it:
//! - Templates are written only by admins; clinicians read them to render encounters.
//!   Sections admins save to the section library are the designers' building blocks:
//!   nobody else needs them, so nobody else reads them.
//! - Admins do not chart: no clinical record is theirs to read or write. They read
//!   patients and links to manage registrations and duplicates.
//! - Front desk registers and edits patients (demographics; the server sees a patient
//!   document as one kind, so the field-level line is the UI's) and links duplicates, but
//!   reads no clinical record.
//! - Nurses chart vitals and handovers and keep the patient's allergies, medications and
//!   problems; encounters (history, exam, assessment, plan) are the physicians' notes, so
//!   nurses read them but do not write them.
//! - Lab reads patients only (orders and results come later).
//! - Resolving a conflict or marking vitals entered-in-error is an edit.
//! - Signing an encounter (authorship, review or approval), co-signing a colleague's and
//!   amending a signed one are the physicians' acts: a nurse reads encounters but signs
//!   none, and admins, who do not chart, sign nothing.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use crate::document::DocKind;

/// A user's role in a clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    Admin,
    Doctor,
    Surgeon,
    Nurse,
    FrontDesk,
    Lab,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 6] = [
        Self::Admin,
        Self::Doctor,
        Self::Surgeon,
        Self::Nurse,
        Self::FrontDesk,
        Self::Lab,
    ];

    /// The name used on the wire, in the database and on command lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Doctor => "doctor",
            Self::Surgeon => "surgeon",
            Self::Nurse => "nurse",
            Self::FrontDesk => "front_desk",
            Self::Lab => "lab",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role \"{given}\"; roles are: admin, doctor, surgeon, nurse, front_desk, lab")]
pub struct UnknownRole {
    pub given: String,
}

impl FromStr for Role {
    type Err = UnknownRole;

    /// Accepts the wire names, case-insensitively, and `front-desk` for `front_desk`.
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| UnknownRole { given: s.into() })
    }
}

/// What is done to a record. Creating is the document's first change; every later
/// change (including resolving a conflict or marking entered-in-error) is an edit.
/// Signing, co-signing and amending a signed record are actions of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum Action {
    Read,
    Create,
    Edit,
    /// Signing a record as its author, reviewer or approver.
    Sign,
    /// Adding a second signature to a record someone else signed.
    CoSign,
    /// Changing a signed record, with a reason (the original stays visible).
    Amend,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Self::Read,
        Self::Create,
        Self::Edit,
        Self::Sign,
        Self::CoSign,
        Self::Amend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Create => "create",
            Self::Edit => "edit",
            Self::Sign => "sign",
            Self::CoSign => "co_sign",
            Self::Amend => "amend",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one role may do to one kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    /// Nothing, not even reading.
    None,
    ReadOnly,
    /// Read, create and edit.
    Write,
}

/// The matrix of the module doc, row by row: which [`Grant`] each role has per kind.
fn grant(role: Role, kind: DocKind) -> Grant {
    use DocKind as K;
    use Grant::{None as No, ReadOnly as R, Write as W};
    use Role::*;
    #[rustfmt::skip]
    let g = match kind {
        //                          Admin  Doctor Surgeon Nurse FrontDesk Lab
        K::Patient     => pick(role, [R,     W,     W,      W,    W,        R ]),
        K::PatientLink => pick(role, [R,     W,     W,      W,    W,        No]),
        K::Vitals      => pick(role, [No,    W,     W,      W,    No,       No]),
        K::Encounter   => pick(role, [No,    W,     W,      R,    No,       No]),
        K::Handover    => pick(role, [No,    W,     W,      W,    No,       No]),
        K::Template    => pick(role, [W,     R,     R,      R,    No,       No]),
        K::LibrarySection
                       => pick(role, [W,     No,    No,     No,   No,       No]),
    };
    fn pick(role: Role, row: [Grant; 6]) -> Grant {
        let column = match role {
            Admin => 0,
            Doctor => 1,
            Surgeon => 2,
            Nurse => 3,
            FrontDesk => 4,
            Lab => 5,
        };
        row[column]
    }
    g
}

/// Whether `role` may sign, co-sign and amend records of `kind` (second table of the
/// module doc): physicians, on encounters.
fn signs(role: Role, kind: DocKind) -> bool {
    kind == DocKind::Encounter && matches!(role, Role::Doctor | Role::Surgeon)
}

/// Whether `role` may do `action` to a record of `kind`. The one place the rules live.
pub fn permits(role: Role, kind: DocKind, action: Action) -> bool {
    if matches!(action, Action::Sign | Action::CoSign | Action::Amend) {
        return signs(role, kind) && permits(role, kind, Action::Edit);
    }
    match (grant(role, kind), action) {
        (Grant::None, _) => false,
        (Grant::ReadOnly, Action::Read) => true,
        (Grant::ReadOnly, _) => false,
        (Grant::Write, _) => true,
    }
}

#[cfg(test)]
mod tests;
