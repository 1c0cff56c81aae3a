// Why: a patient's encounters, newest first, and the way into charting: open an existing
// one, or start a new one from the template chooser. A new encounter arrives pre-filled by
// the template's auto-populate rules; those fields are marked until someone edits them.
// A signed encounter opens locked (the signed version, its signatures and addenda).
import { useEffect, useState } from "react";
import { api } from "../../api";
import type { DocId } from "../../bindings/DocId";
import type { EncounterProjection } from "../../bindings/EncounterProjection";
import type { EncounterView } from "../../bindings/EncounterView";
import type { LockedEncounter } from "../../bindings/LockedEncounter";
import type { TemplateChoice } from "../../bindings/TemplateChoice";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import { asCommandError } from "../../logic/commandError";
import { localToday } from "../../logic/fields";
import { useCan } from "../session/SessionContext";
import { EncounterForm } from "./EncounterForm";
import { LockedEncounterView } from "./LockedEncounterView";
import { TemplateChooser, visitLabel } from "./TemplateChooser";

interface Props {
  patientId: DocId;
  vitals: readonly VitalsProjection[];
  refresh: unknown;
}

export function EncountersPanel({ patientId, vitals, refresh }: Props) {
  const [list, setList] = useState<EncounterProjection[]>([]);
  const [choices, setChoices] = useState<TemplateChoice[]>([]);
  const [open, setOpen] = useState<{ view: EncounterView; autoFilled: Set<string>; locked: LockedEncounter | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const can = useCan();
  const mayCreate = can("encounter", "create");

  useEffect(() => {
    let current = true;
    Promise.all([api.listEncounters(patientId), api.listTemplateChoices()]).then(
      ([l, c]) => {
        if (!current) return;
        setList(l);
        setChoices(c);
      },
      (e: unknown) => current && setError(asCommandError(e).message),
    );
    return () => {
      current = false;
    };
  }, [patientId, refresh, open]);

  async function start(choice: TemplateChoice) {
    setBusy(true);
    setError(null);
    try {
      const view = await api.openEncounter({ patient_id: patientId, template_id: choice.template_id, date: localToday() });
      // Opened with no fields given: every value present was pre-filled by the template.
      setOpen({ view, autoFilled: new Set(Object.keys(view.encounter.fields)), locked: null });
    } catch (e) {
      const ce = asCommandError(e);
      setError(ce.field_errors.map((f) => f.message).join("; ") || ce.message);
    } finally {
      setBusy(false);
    }
  }

  async function show(id: DocId) {
    try {
      // The layout, and the signed version when there is one (signatures live outside the
      // document, so the view's own status never says "signed").
      const [view, locked] = await Promise.all([api.encounterView(id), api.lockedEncounter(id)]);
      setOpen({ view, autoFilled: new Set(), locked });
    } catch (e) {
      setError(asCommandError(e).message);
    }
  }

  if (open) {
    return (
      <div>
        <button type="button" className="secondary" onClick={() => setOpen(null)} data-testid="close-encounter">
          ← All encounters
        </button>
        {open.locked ? (
          <LockedEncounterView
            key={open.view.encounter.id}
            view={open.view}
            locked={open.locked}
            vitals={vitals}
            onAmended={(locked) => setOpen({ ...open, locked })}
          />
        ) : (
          <EncounterForm
            key={open.view.encounter.id}
            view={open.view}
            autoFilled={open.autoFilled}
            vitals={vitals}
            readOnly={!can("encounter", "edit")}
            onSigned={can("encounter", "sign") ? (locked) => setOpen({ ...open, locked }) : undefined}
          />
        )}
      </div>
    );
  }
  return (
    <section className="card" aria-label="Encounters" data-testid="encounters">
      {mayCreate ? (
        <>
          <h3>New encounter</h3>
          <TemplateChooser choices={choices} busy={busy} onStart={(c) => void start(c)} />
        </>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="encounter-error">
          {error}
        </p>
      ) : null}
      <h3>Encounters</h3>
      {list.length === 0 ? <p className="empty">No encounters yet.</p> : null}
      <ul className="entries">
        {list.map((e) => (
          <li key={e.id} data-testid="encounter-row">
            <button type="button" className="link" onClick={() => void show(e.id)}>
              {e.date} · {e.specialty} · {visitLabel(e.encounter_type)}
            </button>
            <span className="muted">
              {" "}
              {e.provider} · {e.status.replace("_", " ")}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
