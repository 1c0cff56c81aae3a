// Why: the window hides or disables what the signed-in user's role may not do, so nobody
// fills in a form only to be refused. The rules are not restated here: the shell sends
// the role's grants from the domain's one permission matrix (roles.rs), and this only
// looks them up.
import type { Action } from "../bindings/Action";
import type { DocKind } from "../bindings/DocKind";
import type { SessionInfo } from "../bindings/SessionInfo";

export function can(session: SessionInfo | null, kind: DocKind, action: Action): boolean {
  return session !== null && session.grants.some((g) => g.kind === kind && g.action === action);
}

const ROLE_NAMES: Record<SessionInfo["user"]["role"], string> = {
  admin: "Admin",
  doctor: "Doctor",
  surgeon: "Surgeon",
  nurse: "Nurse",
  front_desk: "Front desk",
  lab: "Lab",
};

export function roleName(role: SessionInfo["user"]["role"]): string {
  return ROLE_NAMES[role];
}
