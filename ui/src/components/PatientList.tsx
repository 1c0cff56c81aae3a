// Why: the ward's view of who is registered on this workstation's replica, with each
// patient's latest vitals on the same line, and the way to pick a patient to chart on.
import type { DocId } from "../bindings/DocId";
import type { PatientSummary } from "../bindings/PatientSummary";
import { vitalsSummary } from "../logic/vitals";

interface Props {
  patients: readonly PatientSummary[];
  selectedId: DocId | null;
  onSelect: (id: DocId) => void;
}

const SEX_LABEL: Record<string, string> = { female: "F", male: "M", other: "Other", unknown: "Unknown" };

export function PatientList({ patients, selectedId, onSelect }: Props) {
  return (
    <section className="card patients">
      <h2>Patients ({patients.length})</h2>
      {patients.length === 0 ? (
        <p className="empty" data-testid="patient-list-empty">
          No patients registered yet.
        </p>
      ) : null}
      <table data-testid="patient-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Date of birth</th>
            <th>Sex</th>
            <th>MRN</th>
            <th>Latest vitals</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((p) => (
            <tr
              key={p.id}
              data-testid="patient-row"
              data-patient-id={p.id}
              className={p.id === selectedId ? "selected" : undefined}
              aria-selected={p.id === selectedId}
              tabIndex={0}
              onClick={() => onSelect(p.id)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === " ") onSelect(p.id);
              }}
            >
              <td className="name" data-testid="patient-row-name">
                {p.name}
              </td>
              <td className="nowrap">{p.date_of_birth}</td>
              <td className="nowrap">{SEX_LABEL[p.sex] ?? p.sex}</td>
              <td className="nowrap">{p.mrn}</td>
              <td className={p.latest_vitals ? "vitals" : "vitals none"} data-testid="patient-row-vitals">
                {vitalsSummary(p.latest_vitals)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
