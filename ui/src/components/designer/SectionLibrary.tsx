// Why: the section library as a palette: each starter can be dragged onto the page's grid
// (placed where it is dropped) or added with its button (placed below everything, for
// keyboard users). The key of the section being dragged is shared with the canvas through
// `dragging`, since a drag-over event may not read the drag's data.
import type { MutableRefObject } from "react";
import type { LibrarySection } from "../../bindings/LibrarySection";

interface Props {
  library: readonly LibrarySection[];
  dragging: MutableRefObject<LibrarySection | null>;
  busy: boolean;
  onAdd: (section: LibrarySection) => void;
}

export function SectionLibrary({ library, dragging, busy, onAdd }: Props) {
  return (
    <section className="card section-library" aria-label="Section library">
      <h3>Section library</h3>
      <p className="hint">Drag a section onto the page, or add it below the others.</p>
      <ul className="plain">
        {library.map((s) => (
          <li
            key={s.key}
            className="library-item"
            draggable={!busy}
            data-testid={`library-${s.key}`}
            onDragStart={(e) => {
              dragging.current = s;
              e.dataTransfer.setData("text/plain", s.key);
              e.dataTransfer.effectAllowed = "copy";
            }}
            onDragEnd={() => {
              dragging.current = null;
            }}
          >
            <div>
              <strong>{s.section.title}</strong>
              <span className="muted"> · {s.section.fields.length} fields</span>
              <p className="hint">{s.description}</p>
            </div>
            <button type="button" disabled={busy} onClick={() => onAdd(s)} data-testid={`library-add-${s.key}`} aria-label={`Add ${s.section.title}`}>
              Add
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
