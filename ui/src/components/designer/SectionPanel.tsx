// Why: the fields of the section chosen on the canvas: add a custom field, edit one, move
// it within the section's grid, remove it, or remove the whole section. Each action is one
// draft edit; published versions never change. The section can also be saved to the
// clinic's section library for reuse.
import { useState } from "react";
import type { FieldError } from "../../bindings/FieldError";
import type { TemplateEdit } from "../../bindings/TemplateEdit";
import type { TemplateField } from "../../bindings/TemplateField";
import type { TemplateSection } from "../../bindings/TemplateSection";
import { autoPopulateLabel, FIELD_TYPES } from "../../logic/designer";
import type { LibrarySection } from "../../bindings/LibrarySection";
import { FieldEditor } from "./FieldEditor";
import { SaveToLibrary } from "./SaveToLibrary";

interface Props {
  section: TemplateSection;
  vitals: readonly string[];
  busy: boolean;
  errors: readonly FieldError[];
  onEdits: (edits: TemplateEdit[]) => Promise<boolean>;
  onSavedToLibrary: (saved: LibrarySection) => void;
}

function typeLabel(f: TemplateField): string {
  return FIELD_TYPES.find((t) => t.type === f.field_type.type)?.label ?? f.field_type.type;
}

export function SectionPanel({ section, vitals, busy, errors, onEdits, onSavedToLibrary }: Props) {
  const [editing, setEditing] = useState<TemplateField | "new" | null>(null);
  const nextRow = section.fields.reduce((r, f) => Math.max(r, f.grid.y + f.grid.h), 0);

  async function save(field: TemplateField) {
    const ok =
      editing === "new"
        ? await onEdits([
            { op: "add_field", section_id: section.id, field: { ...field, grid: { ...field.grid, w: Math.min(field.grid.w, section.grid.w), y: nextRow } } },
          ])
        : await onEdits([
            {
              op: "edit_field",
              field_id: field.id,
              edit: { label: field.label, field_type: field.field_type, required: field.required, auto_populate: field.auto_populate },
            },
          ]);
    if (ok) setEditing(null);
  }

  return (
    <section className="card section-panel" aria-label={`Section ${section.title}`} data-testid="section-panel">
      <header className="row spread">
        <h3>{section.title}</h3>
        <SaveToLibrary key={section.id} section={section} busy={busy} onSaved={onSavedToLibrary} />
        <button type="button" className="danger" disabled={busy} onClick={() => void onEdits([{ op: "remove_section", section_id: section.id }])}>
          Remove section
        </button>
      </header>
      <table className="fields-table">
        <thead>
          <tr>
            <th>Field</th>
            <th>Type</th>
            <th>Place (column, row, width)</th>
            <th>Pre-fill</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {section.fields.map((f) => (
            <tr key={f.id} data-testid={`field-row-${f.id}`}>
              <td>
                {f.label}
                {f.required ? <span className="muted"> (required)</span> : null}
                <div className="muted small">{f.id}</div>
              </td>
              <td>{typeLabel(f)}</td>
              <td>
                <span className="place">
                  {(["x", "y", "w"] as const).map((k) => (
                    <input
                      key={k}
                      type="number"
                      min={k === "w" ? 1 : 0}
                      aria-label={`${f.label} ${k === "x" ? "column" : k === "y" ? "row" : "width"}`}
                      defaultValue={f.grid[k]}
                      disabled={busy}
                      onBlur={(e) => {
                        const v = Number(e.target.value);
                        if (!Number.isInteger(v) || v === f.grid[k]) return;
                        void onEdits([
                          k === "w"
                            ? { op: "resize_field", field_id: f.id, w: v, h: f.grid.h }
                            : { op: "move_field", field_id: f.id, x: k === "x" ? v : f.grid.x, y: k === "y" ? v : f.grid.y },
                        ]);
                      }}
                    />
                  ))}
                </span>
              </td>
              <td className="small">{autoPopulateLabel(f.auto_populate)}</td>
              <td className="row">
                <button type="button" disabled={busy} onClick={() => setEditing(f)} aria-label={`Edit ${f.label}`}>
                  Edit
                </button>
                <button type="button" disabled={busy} onClick={() => void onEdits([{ op: "remove_field", field_id: f.id }])} aria-label={`Remove ${f.label}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null ? (
        <button type="button" disabled={busy} onClick={() => setEditing("new")} data-testid="add-field">
          Add a field
        </button>
      ) : (
        <FieldEditor
          key={editing === "new" ? "new" : editing.id}
          field={editing === "new" ? null : editing}
          vitals={vitals}
          busy={busy}
          errors={errors}
          onSave={(f) => void save(f)}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}
