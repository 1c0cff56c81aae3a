// Why: components read what the signed-in role may do from SessionContext; tests render
// them as a given role (a nurse unless said otherwise), as the window does.
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Role } from "../bindings/Role";
import { SessionContext } from "../components/session/SessionContext";
import { sessionOf } from "./sessions";

export function renderAs(ui: ReactElement, role: Role = "nurse") {
  return render(<SessionContext.Provider value={sessionOf(role)}>{ui}</SessionContext.Provider>);
}
