// Why: any screen may need to know what the signed-in user's role may do (to hide a form
// or disable a button) without threading the session through every component.
import { createContext, useContext } from "react";
import type { Action } from "../../bindings/Action";
import type { DocKind } from "../../bindings/DocKind";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { can } from "../../logic/permissions";

export const SessionContext = createContext<SessionInfo | null>(null);

/** `(kind, action) => boolean` for the signed-in user; false for everything when nobody is. */
export function useCan(): (kind: DocKind, action: Action) => boolean {
  const session = useContext(SessionContext);
  return (kind, action) => can(session, kind, action);
}
