// Why: one patient's chart. The banner (name, age, sex, MRN, allergies) stays at the top
// whatever tab is open; the tabs hold vitals (entry, trend, history), encounters, and the
// allergy, medication and problem lists. Everything reloads after a local write and after
// each completed sync, so what other workstations charted appears.
import { useEffect, useState } from "react";
import { api } from "../../api";
import type { DocId } from "../../bindings/DocId";
import type { GlassAccess } from "../../bindings/GlassAccess";
import type { PatientDetails } from "../../bindings/PatientDetails";
import type { VitalRange } from "../../bindings/VitalRange";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import { asCommandError } from "../../logic/commandError";
import { EncountersPanel } from "../encounter/EncountersPanel";
import { VitalsForm } from "../VitalsForm";
import { VitalsHistory } from "../VitalsHistory";
import { VitalsTrend } from "../VitalsTrend";
import { BreakTheGlass } from "./BreakTheGlass";
import { PatientBanner } from "./PatientBanner";
import { useCan } from "../session/SessionContext";
import { PatientLists } from "./PatientLists";

type Tab = "vitals" | "encounters" | "lists";
const TABS: readonly { id: Tab; label: string }[] = [
  { id: "vitals", label: "Vitals" },
  { id: "encounters", label: "Encounters" },
  { id: "lists", label: "Allergies, medications & problems" },
];

interface Props {
  patientId: DocId;
  refresh: unknown;
  ranges: readonly VitalRange[];
  onWrote: () => void;
}

export function ChartView({ patientId, refresh, ranges, onWrote }: Props) {
  const can = useCan();
  const mayVitals = can("vitals", "read");
  // Only the tabs the role may read (lists are the patient record itself).
  const tabs = TABS.filter((t) => (t.id === "vitals" ? mayVitals : t.id === "encounters" ? can("encounter", "read") : true));
  const [patient, setPatient] = useState<PatientDetails | null>(null);
  const [vitals, setVitals] = useState<VitalsProjection[]>([]);
  const [tab, setTab] = useState<Tab>(tabs[0]?.id ?? "lists");
  const [error, setError] = useState<string | null>(null);
  const [restricted, setRestricted] = useState(false);
  const [opened, setOpened] = useState(0);
  const [access, setAccess] = useState<GlassAccess | null>(null);

  useEffect(() => {
    let current = true;
    Promise.all([api.patientDetails(patientId), mayVitals ? api.vitalsHistory(patientId) : Promise.resolve([])]).then(
      ([p, v]) => {
        if (!current) return;
        setPatient(p);
        setVitals(v);
        setError(null);
        setRestricted(false);
      },
      (e: unknown) => {
        if (!current) return;
        const ce = asCommandError(e);
        setError(ce.message);
        setRestricted(ce.restricted_patient === patientId);
        // An expired emergency access closes the chart it opened.
        if (ce.restricted_patient === patientId) setPatient(null);
      },
    );
    return () => {
      current = false;
    };
  }, [patientId, refresh, mayVitals, opened]);

  if (error && restricted) {
    return (
      <BreakTheGlass
        key={patientId} patientId={patientId} message={error} onOpened={(a) => {
          setAccess(a);
          setOpened((n) => n + 1);
        }}
      />
    );
  }
  if (error) {
    return (
      <p className="form-error" role="alert" data-testid="chart-error">
        {error}
      </p>
    );
  }
  if (!patient) return <p className="hint">Opening the chart…</p>;
  return (
    <section className="chart" data-testid="selected-patient" aria-label={`Chart of ${patient.name}`}>
      {access && access.patient_id === patientId ? (
        <p className="notice" role="status" data-testid="glass-access">
          Emergency access until {new Date(access.expires_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })}: recorded and reported to the
          clinic's admins.
        </p>
      ) : null}
      <PatientBanner patient={patient} />
      <div className="tabs" role="tablist" aria-label="Chart sections">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "vitals" ? (
          <>
            {can("vitals", "create") ? (
              <VitalsForm key={patient.id} patientId={patient.id} ranges={ranges} onRecorded={onWrote} />
            ) : null}
            <VitalsTrend sets={vitals} />
            <VitalsHistory sets={vitals} {...(can("vitals", "edit") ? { onChanged: onWrote } : {})} />
          </>
        ) : tab === "encounters" ? (
          <EncountersPanel patientId={patient.id} vitals={vitals} refresh={refresh} />
        ) : (
          <PatientLists
            patient={patient}
            onChanged={(p) => {
              setPatient(p);
              onWrote();
            }}
          />
        )}
      </div>
    </section>
  );
}
