// Why: the chart's three editable lists. Each save goes to the replica as one write and
// the chart redraws from the details it answers with. Nothing is ever removed: an allergy
// is refuted, a medication stopped or marked in error, a problem resolved.
import { useCan } from "../session/SessionContext";
import { api } from "../../api";
import type { AllergySeverity } from "../../bindings/AllergySeverity";
import type { AllergyStatus } from "../../bindings/AllergyStatus";
import type { MedicationStatus } from "../../bindings/MedicationStatus";
import type { PatientDetails } from "../../bindings/PatientDetails";
import type { ProblemStatus } from "../../bindings/ProblemStatus";
import { localToday } from "../../logic/fields";
import { EntryListEditor } from "./EntryListEditor";

/** Only non-empty optional texts are sent (an absent field, never ""). */
function optional<K extends string>(values: Record<string, string>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = (values[k] ?? "").trim();
    if (v !== "") out[k] = v;
  }
  return out;
}

interface Props {
  patient: PatientDetails;
  onChanged: (p: PatientDetails) => void;
}

export function PatientLists({ patient, onChanged }: Props) {
  const id = patient.id;
  const readOnly = !useCan()("patient", "edit");
  return (
    <div className="lists">
      <EntryListEditor
        readOnly={readOnly}
        title="Allergies"
        testid="allergies"
        entries={patient.allergies}
        emptyText="No allergies recorded."
        fields={[
          { key: "allergen", label: "Allergen", kind: "text", required: true },
          { key: "reaction", label: "Reaction", kind: "text" },
          { key: "severity", label: "Severity", kind: "select", options: ["unknown", "mild", "moderate", "severe"] },
          { key: "status", label: "Status", kind: "select", options: ["active", "inactive", "resolved", "refuted"] },
        ]}
        describe={(a) => `${a.allergen}${a.reaction ? ` — ${a.reaction}` : ""} (${a.severity}, ${a.status})`}
        struck={(a) => a.status === "refuted"}
        save={async (entryId, v) => {
          const input = {
            allergen: v.allergen ?? "",
            severity: (v.severity ?? "unknown") as AllergySeverity,
            status: (v.status ?? "active") as AllergyStatus,
            ...optional(v, ["reaction"] as const),
          };
          onChanged(await api.saveAllergy(id, entryId, input));
        }}
        actions={[
          {
            label: "Refute",
            show: (a) => a.status !== "refuted",
            run: async (a) => onChanged(await api.refuteAllergy(id, a.id)),
          },
        ]}
      />
      <EntryListEditor
        readOnly={readOnly}
        title="Medications"
        testid="medications"
        entries={patient.medications}
        emptyText="No medications recorded."
        fields={[
          { key: "name", label: "Medication", kind: "text", required: true },
          { key: "dose", label: "Dose", kind: "text" },
          { key: "route", label: "Route", kind: "text" },
          { key: "frequency", label: "Frequency", kind: "text" },
          { key: "start", label: "Start", kind: "date" },
          { key: "status", label: "Status", kind: "select", options: ["active", "stopped", "entered-in-error"] },
        ]}
        describe={(m) =>
          [m.name, m.dose, m.route, m.frequency].filter(Boolean).join(" · ") +
          ` (${m.status}${m.start ? `, from ${m.start}` : ""}${m.stop ? ` to ${m.stop}` : ""})`
        }
        struck={(m) => m.status !== "active"}
        save={async (entryId, v) => {
          const input = {
            name: v.name ?? "",
            status: (v.status ?? "active") as MedicationStatus,
            ...optional(v, ["dose", "route", "frequency", "start", "stop"] as const),
          };
          onChanged(await api.saveMedication(id, entryId, input));
        }}
        actions={[
          {
            label: "Stop today",
            show: (m) => m.status === "active",
            run: async (m) => onChanged(await api.stopMedication(id, m.id, localToday())),
          },
        ]}
      />
      <EntryListEditor
        readOnly={readOnly}
        title="Problems"
        testid="problems"
        entries={patient.problems}
        emptyText="No problems recorded."
        fields={[
          { key: "description", label: "Problem", kind: "text", required: true },
          { key: "icd10", label: "ICD-10", kind: "text" },
          { key: "onset", label: "Onset", kind: "date" },
          { key: "status", label: "Status", kind: "select", options: ["active", "resolved", "inactive"] },
        ]}
        describe={(p) => `${p.description}${p.icd10 ? ` [${p.icd10}]` : ""} (${p.status}${p.onset ? `, since ${p.onset}` : ""})`}
        struck={(p) => p.status !== "active"}
        save={async (entryId, v) => {
          const input = {
            description: v.description ?? "",
            status: (v.status ?? "active") as ProblemStatus,
            ...optional(v, ["icd10", "onset"] as const),
          };
          onChanged(await api.saveProblem(id, entryId, input));
        }}
      />
    </div>
  );
}
