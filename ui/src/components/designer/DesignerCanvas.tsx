// Why: one page of the draft on the 12-column grid, using react-grid-layout: sections are
// dragged and resized with the mouse (no compaction and no collisions, so a section stays
// where the admin puts it, as on the paper form), and library sections are dropped onto it.
// Only a finished drag or resize writes, as the moves and resizes of the sections that
// really changed.
import type { MutableRefObject } from "react";
import { GridLayout, getCompactor, useContainerWidth, type Layout } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import type { LibrarySection } from "../../bindings/LibrarySection";
import type { TemplateEdit } from "../../bindings/TemplateEdit";
import type { TemplatePage } from "../../bindings/TemplatePage";
import { GRID_COLUMNS, layoutEdits, sectionLayout, type LayoutBox } from "../../logic/designer";

const ROW_HEIGHT = 34;
const compactor = getCompactor(null, false, true);

interface Props {
  page: TemplatePage;
  selected: string | null;
  busy: boolean;
  dragging: MutableRefObject<LibrarySection | null>;
  onSelect: (sectionId: string) => void;
  onEdits: (edits: TemplateEdit[]) => void;
  onDropLibrary: (section: LibrarySection, x: number, y: number) => void;
}

export function DesignerCanvas({ page, selected, busy, dragging, onSelect, onEdits, onDropLibrary }: Props) {
  const { width, containerRef, mounted } = useContainerWidth();
  const commit = (layout: Layout) => {
    const edits = layoutEdits(page.sections, layout as readonly LayoutBox[]);
    if (edits.length > 0) onEdits(edits);
  };
  const dropSize = dragging.current?.section.grid ?? { w: 6, h: 3 };
  return (
    <div className="designer-canvas" ref={containerRef} data-testid={`canvas-${page.id}`} aria-label={`Page ${page.title} layout`}>
      {mounted ? (
        <GridLayout
          width={width}
          layout={sectionLayout(page.sections)}
          gridConfig={{ cols: GRID_COLUMNS, rowHeight: ROW_HEIGHT, margin: [8, 8] }}
          dragConfig={{ enabled: !busy, cancel: "button" }}
          resizeConfig={{ enabled: !busy }}
          dropConfig={{ enabled: !busy, defaultItem: { w: dropSize.w, h: dropSize.h } }}
          compactor={compactor}
          droppingItem={{ i: "__dropping__", x: 0, y: 0, w: dropSize.w, h: dropSize.h }}
          onDropDragOver={() => {
            const s = dragging.current;
            return s ? { w: s.section.grid.w, h: s.section.grid.h } : false;
          }}
          onDrop={(_layout, item) => {
            const s = dragging.current;
            dragging.current = null;
            if (s && item) onDropLibrary(s, item.x, item.y);
          }}
          onDragStop={(layout) => commit(layout)}
          onResizeStop={(layout) => commit(layout)}
        >
          {page.sections.map((s) => (
            <div
              key={s.id}
              className={selected === s.id ? "designer-section selected" : "designer-section"}
              data-testid={`designer-section-${s.id}`}
              data-grid-pos={`${s.grid.x},${s.grid.y},${s.grid.w},${s.grid.h}`}
            >
              <div className="designer-section-head">
                <strong>{s.title}</strong>
                <button type="button" className="secondary" onClick={() => onSelect(s.id)} aria-pressed={selected === s.id} data-testid={`select-section-${s.id}`}>
                  Fields ({s.fields.length})
                </button>
              </div>
              <p className="muted small">{s.fields.map((f) => f.label).join(" · ") || "no fields yet"}</p>
            </div>
          ))}
        </GridLayout>
      ) : null}
      {page.sections.length === 0 ? <p className="hint">Drag a section from the library here.</p> : null}
    </div>
  );
}
