// Why: everything the signed-in user works with: the screens (patients, handovers,
// conflicts, and for admins the template designer) and all the patient data they hold.
// It is mounted per session (App keys it by user and session), so signing out or
// switching user drops all of it at once.
// Screens and actions the role may not use are not offered (logic/permissions.ts).
// Screens reload after each local write and whenever a sync completes, so records from
// other workstations appear.
import { useEffect, useState, type ReactNode } from "react";
import { api } from "../api";
import type { ConflictItem } from "../bindings/ConflictItem";
import type { DocId } from "../bindings/DocId";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { VitalRange } from "../bindings/VitalRange";
import { can } from "../logic/permissions";
import { ChartView } from "./chart/ChartView";
import { ConflictsInbox } from "./ConflictsInbox";
import { TemplatesScreen } from "./designer/TemplatesScreen";
import { AlertsScreen } from "./oversight/AlertsScreen";
import { HandoversView } from "./handover/HandoversView";
import { PatientSearch } from "./PatientSearch";
import { RegisterPatientForm } from "./RegisterPatientForm";
import { SessionContext } from "./session/SessionContext";

type Screen = "patients" | "handovers" | "conflicts" | "templates" | "alerts";

interface Props {
  session: SessionInfo;
  lastSync: string | null;
  header: (nav: ReactNode) => ReactNode;
}

export function Workspace({ session, lastSync, header }: Props) {
  const [screen, setScreen] = useState<Screen>("patients");
  const [selectedId, setSelectedId] = useState<DocId | null>(null);
  const [ranges, setRanges] = useState<VitalRange[]>([]);
  const [conflicts, setConflicts] = useState<ConflictItem[]>([]);
  const [version, setVersion] = useState(0);

  const mayVitals = can(session, "vitals", "read");
  const mayHandovers = can(session, "handover", "read");
  const mayRegister = can(session, "patient", "create");
  const mayDesign = can(session, "template", "edit");

  useEffect(() => {
    if (!mayVitals) return;
    api.vitalRanges().then(setRanges, () => setRanges([]));
  }, [mayVitals]);

  // Everything shown depends on local writes (`version`) and completed syncs.
  const refresh = `${version}/${lastSync ?? ""}`;
  useEffect(() => {
    let current = true;
    api.listConflicts().then(
      (c) => current && setConflicts(c),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [refresh]);
  const reload = () => setVersion((v) => v + 1);

  const nav: { id: Screen; label: string }[] = [{ id: "patients", label: "Patients" }];
  if (mayHandovers) nav.push({ id: "handovers", label: "Handovers" });
  nav.push({ id: "conflicts", label: `Conflicts${conflicts.length ? ` (${conflicts.length})` : ""}` });
  if (mayDesign) nav.push({ id: "templates", label: "Templates" });
  const isAdmin = session.user.role === "admin";
  if (isAdmin) nav.push({ id: "alerts", label: "Alerts" });

  return (
    <SessionContext.Provider value={session}>
      <div className="app">
        {header(
          <nav className="screens" aria-label="Screens">
            {nav.map((n) => (
              <button
                key={n.id}
                type="button"
                className={screen === n.id ? "nav active" : "nav"}
                aria-current={screen === n.id ? "page" : undefined}
                data-testid={`nav-${n.id}`}
                onClick={() => setScreen(n.id)}
              >
                {n.label}
              </button>
            ))}
          </nav>,
        )}
        {screen === "handovers" && mayHandovers ? (
          <HandoversView refresh={refresh} onWrote={reload} />
        ) : screen === "templates" && mayDesign ? (
          <TemplatesScreen refresh={refresh} onWrote={reload} />
        ) : screen === "alerts" && isAdmin ? (
          <AlertsScreen />
        ) : screen === "conflicts" ? (
          <ConflictsInbox conflicts={conflicts} onResolved={reload} />
        ) : (
          <main className="layout">
            <div className="left">
              <PatientSearch selectedId={selectedId} onSelect={setSelectedId} refresh={refresh} />
              {mayRegister ? (
                <RegisterPatientForm
                  onRegistered={(p) => {
                    setSelectedId(p.id);
                    reload();
                  }}
                />
              ) : null}
            </div>
            <div className="right">
              {selectedId ? (
                <ChartView patientId={selectedId} refresh={refresh} ranges={ranges} onWrote={reload} />
              ) : (
                <p className="hint">Find {mayRegister ? "or register " : ""}a patient to open their chart.</p>
              )}
            </div>
          </main>
        )}
      </div>
    </SessionContext.Provider>
  );
}
