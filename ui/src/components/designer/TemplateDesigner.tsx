// Why: the admin's workspace for one template: its settings (name, specialty, visit type,
// scope), its pages, the grid of each page with the section library beside it, the fields
// of the chosen section, a preview of the draft or of any published version, publishing
// (after the same checks the replica makes: duplicate ids, empty sections, overlaps) and
// export. Every change is written at once (a drag as one change), so two admins' edits on two
// workstations merge after sync.
import { useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { EncounterType } from "../../bindings/EncounterType";
import type { FieldError } from "../../bindings/FieldError";
import type { LibrarySection } from "../../bindings/LibrarySection";
import type { TemplateContent } from "../../bindings/TemplateContent";
import type { TemplateEdit } from "../../bindings/TemplateEdit";
import type { TemplateProjection } from "../../bindings/TemplateProjection";
import { asCommandError } from "../../logic/commandError";
import { idFromLabel, nextFreeRow, overlappingSections, placeLibrarySection } from "../../logic/designer";
import { visitLabel } from "../encounter/TemplateChooser";
import { DesignerCanvas } from "./DesignerCanvas";
import { SectionLibrary } from "./SectionLibrary";
import { SectionPanel } from "./SectionPanel";
import { TemplatePreview } from "./TemplatePreview";
import { ExportPanel } from "./TemplateTransfer";

interface Props {
  template: TemplateProjection;
  library: readonly LibrarySection[];
  vitals: readonly string[];
  onChanged: (t: TemplateProjection) => void;
  onLibraryChanged: () => void;
}

type View = { kind: "design" } | { kind: "preview" } | { kind: "version"; number: number; content: TemplateContent | null };
const VISITS: readonly EncounterType[] = ["new_patient", "follow_up", "pre_op", "operative", "post_op"];

export function TemplateDesigner({ template, library, vitals, onChanged, onLibraryChanged }: Props) {
  const draft = template.draft;
  const [pageId, setPageId] = useState<string | null>(draft.pages[0]?.id ?? null);
  const [sectionId, setSectionId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; errors: FieldError[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [view, setView] = useState<View>({ kind: "design" });
  const [newPage, setNewPage] = useState("");
  const dragging = useRef<LibrarySection | null>(null);

  useEffect(() => {
    if (pageId === null || !draft.pages.some((p) => p.id === pageId)) setPageId(draft.pages[0]?.id ?? null);
  }, [draft, pageId]);

  const page = draft.pages.find((p) => p.id === pageId) ?? null;
  const section = page?.sections.find((s) => s.id === sectionId) ?? null;

  async function edit(edits: TemplateEdit[]): Promise<boolean> {
    setBusy(true);
    setNotice(null);
    try {
      onChanged(await api.editTemplate(template.id, edits));
      setFailure(null);
      return true;
    } catch (e) {
      const ce = asCommandError(e);
      setFailure({ message: ce.message, errors: ce.field_errors });
      return false;
    } finally {
      setBusy(false);
    }
  }

  function addLibrary(s: LibrarySection, x: number | null, y: number | null) {
    if (!page) return;
    const placed = placeLibrarySection(s.section, draft, { x: x ?? 0, y: y ?? nextFreeRow(page.sections) });
    void edit([{ op: "add_section", page_id: page.id, section: placed }]).then((ok) => ok && setSectionId(placed.id));
  }

  async function publish() {
    setBusy(true);
    try {
      const problems = await api.publishProblems(template.id);
      if (problems.length > 0) {
        setFailure({ message: "This draft cannot be published yet:", errors: problems });
        return;
      }
      const n = await api.publishTemplate(template.id);
      setFailure(null);
      setNotice(`Published version ${n}. New encounters use it; encounters already charted keep their version.`);
      const all = await api.listTemplates();
      const again = all.find((t) => t.id === template.id);
      if (again) onChanged(again);
    } catch (e) {
      const ce = asCommandError(e);
      setFailure({ message: ce.message, errors: ce.field_errors });
    } finally {
      setBusy(false);
    }
  }

  async function showVersion(number: number) {
    setView({ kind: "version", number, content: null });
    try {
      const content = await api.templateVersion(template.id, number);
      setView({ kind: "version", number, content });
    } catch (e) {
      setFailure({ message: asCommandError(e).message, errors: [] });
    }
  }

  const overlaps = page ? overlappingSections(page.sections) : [];
  return (
    <div className="designer" data-testid="designer">
      <section className="card designer-head" aria-label="Template settings">
        <div className="row wrap">
          <label htmlFor="tpl-name">Name</label>
          <input
            id="tpl-name"
            key={`name-${draft.name}`}
            defaultValue={draft.name}
            onBlur={(e) => e.target.value !== draft.name && void edit([{ op: "rename", name: e.target.value }])}
          />
          <label htmlFor="tpl-specialty">Specialty</label>
          <input
            id="tpl-specialty"
            key={`spec-${draft.specialty}`}
            defaultValue={draft.specialty}
            onBlur={(e) => e.target.value !== draft.specialty && void edit([{ op: "set_specialty", specialty: e.target.value }])}
          />
          <label htmlFor="tpl-visit">Visit type</label>
          <select id="tpl-visit" value={draft.visit_type} onChange={(e) => void edit([{ op: "set_visit_type", visit_type: e.target.value as EncounterType }])}>
            {VISITS.map((v) => (
              <option key={v} value={v}>
                {visitLabel(v)}
              </option>
            ))}
          </select>
          <label htmlFor="tpl-scope">Used by</label>
          <select
            id="tpl-scope"
            value={draft.scope.scope}
            onChange={(e) => {
              const v = e.target.value;
              if (v === "global" || v === "clinic") void edit([{ op: "set_scope", scope: { scope: v } }]);
              else {
                const who = window.prompt("User name of the provider this template is for");
                if (who) void edit([{ op: "set_scope", scope: { scope: "provider", provider_id: who } }]);
              }
            }}
          >
            <option value="global">Every clinic</option>
            <option value="clinic">This clinic</option>
            <option value="provider">{draft.scope.scope === "provider" ? `Provider ${draft.scope.provider_id}` : "One provider"}</option>
          </select>
        </div>
        <div className="row wrap">
          <div className="tabs" role="tablist" aria-label="View">
            <button type="button" role="tab" aria-selected={view.kind === "design"} className={view.kind === "design" ? "tab active" : "tab"} onClick={() => setView({ kind: "design" })} data-testid="view-design">
              Design
            </button>
            <button type="button" role="tab" aria-selected={view.kind === "preview"} className={view.kind === "preview" ? "tab active" : "tab"} onClick={() => setView({ kind: "preview" })} data-testid="view-preview">
              Preview draft
            </button>
            {template.versions.map((v) => (
              <button
                key={`${v.number}:${v.content_hash}`}
                type="button"
                role="tab"
                aria-selected={view.kind === "version" && view.number === v.number}
                className={view.kind === "version" && view.number === v.number ? "tab active" : "tab"}
                onClick={() => void showVersion(v.number)}
                data-testid={`view-version-${v.number}`}
              >
                v{v.number}
              </button>
            ))}
          </div>
          <span className="muted">
            {template.latest_version === null ? "Not published yet" : template.draft_published ? `Draft is version ${template.latest_version}` : "Draft has unpublished changes"}
          </span>
          <button type="button" className="primary" disabled={busy || template.draft_published} onClick={() => void publish()} data-testid="publish">
            Publish
          </button>
        </div>
        {notice ? (
          <p className="notice" role="status" data-testid="designer-notice">
            {notice}
          </p>
        ) : null}
        {failure ? (
          <div className="form-error" role="alert" data-testid="designer-failure">
            <p>{failure.message}</p>
            {failure.errors.length > 0 ? (
              <ul>
                {failure.errors.map((e) => (
                  <li key={`${e.field}:${e.message}`}>{e.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </section>

      {view.kind === "preview" ? (
        <TemplatePreview content={draft} caption="draft" />
      ) : view.kind === "version" ? (
        view.content ? <TemplatePreview key={view.number} content={view.content} caption={`v${view.number}`} /> : <p className="hint">Opening…</p>
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Pages">
            {draft.pages.map((p) => (
              <button key={p.id} type="button" role="tab" aria-selected={p.id === pageId} className={p.id === pageId ? "tab active" : "tab"} onClick={() => setPageId(p.id)} data-testid={`page-tab-${p.id}`}>
                {p.title}
              </button>
            ))}
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                const id = idFromLabel(newPage);
                void edit([{ op: "add_page", page_id: id, title: newPage.trim() }]).then((ok) => {
                  if (ok) {
                    setNewPage("");
                    setPageId(id);
                  }
                });
              }}
            >
              <label htmlFor="new-page">New page</label>
              <input id="new-page" value={newPage} onChange={(e) => setNewPage(e.target.value)} data-testid="new-page" />
              <button type="submit" disabled={busy || newPage.trim() === ""} data-testid="add-page">
                Add page
              </button>
            </form>
          </div>
          {page ? (
            <div className="designer-body">
              <div className="designer-main">
                {overlaps.length > 0 ? (
                  <p className="form-error" role="alert">
                    Overlapping sections (move one before publishing): {overlaps.join("; ")}
                  </p>
                ) : null}
                <DesignerCanvas
                  page={page}
                  selected={sectionId}
                  busy={busy}
                  dragging={dragging}
                  onSelect={setSectionId}
                  onEdits={(e) => void edit(e)}
                  onDropLibrary={(s, x, y) => addLibrary(s, x, y)}
                />
                {section ? <SectionPanel section={section} vitals={vitals} busy={busy} errors={failure?.errors ?? []} onEdits={edit} onSavedToLibrary={onLibraryChanged} /> : null}
              </div>
              <SectionLibrary library={library} dragging={dragging} busy={busy} onAdd={(s) => addLibrary(s, null, null)} onWithdrawn={onLibraryChanged} />
            </div>
          ) : (
            <p className="hint">Add a page to start placing sections.</p>
          )}
          <ExportPanel template={template} />
        </>
      )}
    </div>
  );
}
