// Why: the one place that lays a template's pages out (sections and fields on the 12-column
// grid), shared by the encounter form and the designer's preview, so the preview is exactly
// what clinicians will see. What each field shows is the caller's: it renders the cell.
import type { ReactNode } from "react";
import type { FieldView } from "../../bindings/FieldView";
import type { PageView } from "../../bindings/PageView";
import type { TemplatePage } from "../../bindings/TemplatePage";
import { gridArea } from "../../logic/fields";

interface Props {
  pages: readonly PageView[];
  renderField: (field: FieldView) => ReactNode;
}

export function FormPages({ pages, renderField }: Props) {
  return (
    <>
      {pages.map((page) => (
        <div key={page.id} className="template-page" data-testid={`page-${page.id}`}>
          {pages.length > 1 ? <h4>{page.title}</h4> : null}
          <div className="template-grid">
            {page.sections.map((section) => (
              <fieldset key={section.id} className="template-section" style={gridArea(section.grid)} data-testid={`section-${section.id}`}>
                <legend>{section.title}</legend>
                <div className="section-grid" style={{ gridTemplateColumns: `repeat(${Math.max(1, section.grid.w)}, minmax(0, 1fr))` }}>
                  {section.fields.map((f) => (
                    <div key={f.id} style={gridArea(f.grid)} className="grid-cell">
                      {renderField(f)}
                    </div>
                  ))}
                </div>
              </fieldset>
            ))}
          </div>
        </div>
      ))}
    </>
  );
}

/** A template's pages as a form shows them, with no values yet. */
export function pagesOf(pages: readonly TemplatePage[]): PageView[] {
  return pages.map((p) => ({
    id: p.id,
    title: p.title,
    sections: p.sections.map((s) => ({
      id: s.id,
      title: s.title,
      grid: s.grid,
      fields: s.fields.map((f) => ({
        id: f.id,
        label: f.label,
        field_type: f.field_type,
        required: f.required,
        grid: f.grid,
      })),
    })),
  }));
}
