// Why: Vitest fixtures for signed-in users. The grants are what the shell sends for each
// role (crates/outpost-domain/src/roles.rs); tests of role gating must use the real rows.
import type { Action } from "../bindings/Action";
import type { DocKind } from "../bindings/DocKind";
import type { Role } from "../bindings/Role";
import type { SessionInfo } from "../bindings/SessionInfo";

const RCE: Action[] = ["read", "create", "edit"];
const R: Action[] = ["read"];
const SIGN: Action[] = [...RCE, "sign", "co_sign", "amend"];
const MATRIX: Record<Role, Partial<Record<DocKind, Action[]>>> = {
  admin: { patient: R, patient_link: R, template: RCE },
  doctor: { patient: RCE, patient_link: RCE, vitals: RCE, encounter: SIGN, handover: RCE, template: R },
  surgeon: { patient: RCE, patient_link: RCE, vitals: RCE, encounter: SIGN, handover: RCE, template: R },
  nurse: { patient: RCE, patient_link: RCE, vitals: RCE, encounter: R, handover: RCE, template: R },
  front_desk: { patient: RCE, patient_link: RCE },
  lab: { patient: R },
};

export function sessionOf(role: Role, username = `${role}.test`, fullName = `Test ${role}`): SessionInfo {
  const grants = Object.entries(MATRIX[role]).flatMap(([kind, actions]) =>
    (actions ?? []).map((action) => ({ kind: kind as DocKind, action })),
  );
  return {
    user: { id: `0190f0a0-0000-7000-8000-00000000${role.length.toString().padStart(4, "0")}`, username, full_name: fullName, role },
    grants,
    online: true,
  };
}
