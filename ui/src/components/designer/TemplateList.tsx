// Why: the admin's list of templates: each with its specialty and visit type, its published
// versions and how many encounters on this workstation are charted on each, and whether the
// draft holds unpublished changes. Also where a new template is started.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { EncounterType } from "../../bindings/EncounterType";
import type { TemplateProjection } from "../../bindings/TemplateProjection";
import type { VersionUsage } from "../../bindings/VersionUsage";
import { asCommandError } from "../../logic/commandError";
import { visitLabel } from "../encounter/TemplateChooser";

interface Props {
  templates: readonly TemplateProjection[];
  selectedId: string | null;
  refresh: string;
  onSelect: (id: string) => void;
  onCreated: (t: TemplateProjection) => void;
}

const VISITS: readonly EncounterType[] = ["new_patient", "follow_up", "pre_op", "operative", "post_op"];

export function TemplateList({ templates, selectedId, refresh, onSelect, onCreated }: Props) {
  const [usage, setUsage] = useState<Record<string, VersionUsage[]>>({});
  useEffect(() => {
    let current = true;
    void Promise.all(templates.map(async (t) => [t.id, await api.templateUsage(t.id)] as const)).then(
      (pairs) => current && setUsage(Object.fromEntries(pairs)),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [templates, refresh]);

  const [name, setName] = useState("");
  const [specialty, setSpecialty] = useState("");
  const [visit, setVisit] = useState<EncounterType>("new_patient");
  const [error, setError] = useState<string | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const t = await api.createTemplate({ name, specialty, visit_type: visit, scope: { scope: "clinic" }, pages: [] });
      setName("");
      setSpecialty("");
      setError(null);
      onCreated(t);
    } catch (err) {
      setError(asCommandError(err).message);
    }
  }

  return (
    <section className="card" aria-label="Templates">
      <h2>Templates</h2>
      <ul className="plain template-list">
        {templates.map((t) => (
          <li key={t.id}>
            <button type="button" className={t.id === selectedId ? "link active" : "link"} onClick={() => onSelect(t.id)} data-testid={`template-${t.name}`}>
              {t.name}
            </button>
            <span className="muted small">
              {" "}
              {t.specialty} · {visitLabel(t.visit_type)}
              {t.latest_version === null ? " · not published" : t.draft_published ? "" : " · unpublished changes"}
            </span>
            <ul className="plain versions small" data-testid={`versions-${t.name}`}>
              {(usage[t.id] ?? []).map((u) => (
                <li key={u.number}>
                  v{u.number}: {u.encounters} encounter{u.encounters === 1 ? "" : "s"}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void create(e)} aria-label="New template" className="new-template">
        <h3>New template</h3>
        <label htmlFor="new-template-name">Name</label>
        <input id="new-template-name" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="new-template-specialty">Specialty</label>
        <input id="new-template-specialty" value={specialty} onChange={(e) => setSpecialty(e.target.value)} />
        <label htmlFor="new-template-visit">Visit type</label>
        <select id="new-template-visit" value={visit} onChange={(e) => setVisit(e.target.value as EncounterType)}>
          {VISITS.map((v) => (
            <option key={v} value={v}>
              {visitLabel(v)}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" data-testid="new-template-create">
          Create
        </button>
        {error ? <p className="form-error" role="alert">{error}</p> : null}
      </form>
    </section>
  );
}
