// Why: the one window of the workstation: header with clinic and sync badge, registration,
// the patient list, and the selected patient's vitals. Lists reload after each local write
// and whenever a sync completes (so records from other workstations appear).
import { useEffect, useState } from "react";
import { api } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { DocId } from "./bindings/DocId";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { VitalsSet } from "./bindings/VitalsSet";
import { PatientList } from "./components/PatientList";
import { RegisterPatientForm } from "./components/RegisterPatientForm";
import { SyncBadge } from "./components/SyncBadge";
import { VitalsForm } from "./components/VitalsForm";
import { VitalsHistory } from "./components/VitalsHistory";
import { useSyncStatus } from "./hooks";
import { asCommandError } from "./logic/commandError";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const status = useSyncStatus();
  const [patients, setPatients] = useState<PatientSummary[]>([]);
  const [selectedId, setSelectedId] = useState<DocId | null>(null);
  const [vitals, setVitals] = useState<VitalsSet[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    api.appInfo().then(setInfo, (e: unknown) => setInfoError(asCommandError(e).message));
  }, []);

  const ready = info !== null && info.startup_error === null;

  // Reload after local writes (`version`), on selection, and after each completed sync. A
  // newer load supersedes an older one still in flight, so a slow answer never overwrites
  // a fresher one.
  const [version, setVersion] = useState(0);
  const lastSync = status?.last_sync_at ?? null;
  useEffect(() => {
    if (!ready) return;
    let current = true;
    void (async () => {
      try {
        const list = await api.listPatients();
        const sets = selectedId ? await api.listVitals(selectedId) : [];
        if (!current) return;
        setPatients(list);
        setVitals(sets);
        setLoadError(null);
      } catch (e) {
        if (current) setLoadError(asCommandError(e).message);
      }
    })();
    return () => {
      current = false;
    };
  }, [ready, selectedId, lastSync, version]);
  const reload = () => setVersion((v) => v + 1);

  const selected = patients.find((p) => p.id === selectedId) ?? null;
  const startupError = infoError ?? info?.startup_error ?? null;

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
      {startupError ? (
        <main className="startup-error card" role="alert" data-testid="startup-error">
          <h2>This workstation cannot open its records</h2>
          <p>{startupError}</p>
        </main>
      ) : ready ? (
        <main className="layout">
          <div className="left">
            <RegisterPatientForm
              onRegistered={(p) => {
                setSelectedId(p.id);
                reload();
              }}
            />
          </div>
          <div className="right">
            {loadError ? (
              <p className="form-error" role="alert" data-testid="load-error">
                {loadError}
              </p>
            ) : null}
            <PatientList patients={patients} selectedId={selectedId} onSelect={setSelectedId} />
            {selected ? (
              <section className="chart" data-testid="selected-patient">
                <h2>
                  {selected.name} <span className="mrn">MRN {selected.mrn}</span>
                </h2>
                <VitalsForm key={selected.id} patientId={selected.id} onRecorded={reload} />
                <VitalsHistory sets={vitals} />
              </section>
            ) : (
              <p className="hint">Select a patient to record vitals.</p>
            )}
          </div>
        </main>
      ) : (
        <main className="layout">
          <p className="hint">Opening records…</p>
        </main>
      )}
    </div>
  );
}
