// Why: a clinician starts an encounter by choosing what kind of visit it is: specialty,
// then visit type, then the template (published versions only). The encounter is pinned
// to that template's latest published version when it opens.
import { useMemo, useState } from "react";
import type { TemplateChoice } from "../../bindings/TemplateChoice";

const VISIT: Record<string, string> = {
  new_patient: "New patient",
  follow_up: "Follow-up",
  pre_op: "Pre-op",
  operative: "Operative",
  post_op: "Post-op",
};

export function visitLabel(v: string): string {
  return VISIT[v] ?? v;
}

interface Props {
  choices: readonly TemplateChoice[];
  busy: boolean;
  onStart: (choice: TemplateChoice) => void;
}

export function TemplateChooser({ choices, busy, onStart }: Props) {
  const specialties = useMemo(() => [...new Set(choices.map((c) => c.specialty))].sort(), [choices]);
  const [specialty, setSpecialty] = useState("");
  const [visit, setVisit] = useState("");
  const [templateId, setTemplateId] = useState("");
  const spec = specialty || specialties[0] || "";
  const visits = [...new Set(choices.filter((c) => c.specialty === spec).map((c) => c.visit_type))];
  const vt = visits.includes(visit as never) ? visit : (visits[0] ?? "");
  const templates = choices.filter((c) => c.specialty === spec && c.visit_type === vt);
  const chosen = templates.find((t) => t.template_id === templateId) ?? templates[0];

  if (choices.length === 0) {
    return (
      <p className="empty" data-testid="no-templates">
        No published templates on this workstation yet; an admin publishes them, then they arrive with sync.
      </p>
    );
  }
  return (
    <div className="template-chooser" data-testid="template-chooser">
      <div className="field">
        <label htmlFor="choose-specialty">Specialty</label>
        <select id="choose-specialty" data-testid="choose-specialty" value={spec} onChange={(e) => setSpecialty(e.target.value)}>
          {specialties.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="choose-visit">Visit type</label>
        <select id="choose-visit" data-testid="choose-visit" value={vt} onChange={(e) => setVisit(e.target.value)}>
          {visits.map((v) => (
            <option key={v} value={v}>
              {visitLabel(v)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="choose-template">Template</label>
        <select
          id="choose-template"
          data-testid="choose-template"
          value={chosen?.template_id ?? ""}
          onChange={(e) => setTemplateId(e.target.value)}
        >
          {templates.map((t) => (
            <option key={t.template_id} value={t.template_id}>
              {t.name} (v{t.version})
            </option>
          ))}
        </select>
      </div>
      <button type="button" data-testid="start-encounter" disabled={busy || !chosen} onClick={() => chosen && onStart(chosen)}>
        {busy ? "Opening…" : "Start encounter"}
      </button>
    </div>
  );
}
