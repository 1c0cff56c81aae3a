// Why: the one window of the workstation: a header with the clinic, the sync badge and
// the screens (patients, handovers, conflicts), an offline banner whenever the server is
// out of reach, and the screen itself. Screens reload after each local write and whenever
// a sync completes, so records from other workstations appear.
import { useEffect, useState } from "react";
import { api } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { ConflictItem } from "./bindings/ConflictItem";
import type { DocId } from "./bindings/DocId";
import type { VitalRange } from "./bindings/VitalRange";
import { ChartView } from "./components/chart/ChartView";
import { ConflictsInbox } from "./components/ConflictsInbox";
import { HandoversView } from "./components/handover/HandoversView";
import { OfflineBanner } from "./components/OfflineBanner";
import { PatientSearch } from "./components/PatientSearch";
import { RegisterPatientForm } from "./components/RegisterPatientForm";
import { SyncBadge } from "./components/SyncBadge";
import { useSyncStatus } from "./hooks";
import { asCommandError } from "./logic/commandError";

type Screen = "patients" | "handovers" | "conflicts";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const status = useSyncStatus();
  const [screen, setScreen] = useState<Screen>("patients");
  const [selectedId, setSelectedId] = useState<DocId | null>(null);
  const [ranges, setRanges] = useState<VitalRange[]>([]);
  const [conflicts, setConflicts] = useState<ConflictItem[]>([]);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    api.appInfo().then(setInfo, (e: unknown) => setInfoError(asCommandError(e).message));
  }, []);
  const ready = info !== null && info.startup_error === null;

  useEffect(() => {
    if (!ready) return;
    api.vitalRanges().then(setRanges, () => setRanges([]));
  }, [ready]);

  // Everything shown depends on local writes (`version`) and completed syncs.
  const lastSync = status?.last_sync_at ?? null;
  const refresh = `${version}/${lastSync ?? ""}`;
  useEffect(() => {
    if (!ready) return;
    let current = true;
    api.listConflicts().then(
      (c) => current && setConflicts(c),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [ready, refresh]);
  const reload = () => setVersion((v) => v + 1);

  const startupError = infoError ?? info?.startup_error ?? null;
  const nav: readonly { id: Screen; label: string }[] = [
    { id: "patients", label: "Patients" },
    { id: "handovers", label: "Handovers" },
    { id: "conflicts", label: `Conflicts${conflicts.length ? ` (${conflicts.length})` : ""}` },
  ];

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ✚
          </span>
          <span className="app-name">Outpost</span>
          <span className="clinic" data-testid="clinic-name">
            {info?.clinic_name ?? ""}
          </span>
        </div>
        {ready ? (
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
          </nav>
        ) : null}
        <div className="who">
          {info ? (
            <span data-testid="device-user">
              {info.device_name ? `${info.device_name} · ` : ""}
              {info.user}
            </span>
          ) : null}
          <SyncBadge status={status} />
        </div>
      </header>
      <OfflineBanner status={status} />
      {startupError ? (
        <main className="startup-error card" role="alert" data-testid="startup-error">
          <h2>This workstation cannot open its records</h2>
          <p>{startupError}</p>
        </main>
      ) : !ready ? (
        <main className="layout">
          <p className="hint">Opening records…</p>
        </main>
      ) : screen === "handovers" ? (
        <HandoversView refresh={refresh} onWrote={reload} />
      ) : screen === "conflicts" ? (
        <ConflictsInbox conflicts={conflicts} onResolved={reload} />
      ) : (
        <main className="layout">
          <div className="left">
            <PatientSearch selectedId={selectedId} onSelect={setSelectedId} refresh={refresh} />
            <RegisterPatientForm
              onRegistered={(p) => {
                setSelectedId(p.id);
                reload();
              }}
            />
          </div>
          <div className="right">
            {selectedId ? (
              <ChartView patientId={selectedId} refresh={refresh} ranges={ranges} onWrote={reload} />
            ) : (
              <p className="hint">Find or register a patient to open their chart.</p>
            )}
          </div>
        </main>
      )}
    </div>
  );
}
