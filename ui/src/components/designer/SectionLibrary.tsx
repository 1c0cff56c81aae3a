// Why: the section library as a palette: each section can be dragged onto the page's grid
// (placed where it is dropped) or added with its button (placed below everything, for
// keyboard users). The built-in starters come first, then the sections this clinic's admins
// saved, each with who saved it; a saved one can be taken out of the library (after a
// second click, since every admin loses it), while templates that copied it keep their copy.
// The key of the section being dragged is shared with the canvas through `dragging`, since
// a drag-over event may not read the drag's data.
import { useState, type MutableRefObject } from "react";
import { api } from "../../api";
import type { LibrarySection } from "../../bindings/LibrarySection";
import { asCommandError } from "../../logic/commandError";

interface Props {
  library: readonly LibrarySection[];
  dragging: MutableRefObject<LibrarySection | null>;
  busy: boolean;
  onAdd: (section: LibrarySection) => void;
  onWithdrawn: () => void;
}

export function SectionLibrary({ library, dragging, busy, onAdd, onWithdrawn }: Props) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const starters = library.filter((s) => !s.saved_by);
  const saved = library.filter((s) => s.saved_by);

  async function withdraw(key: string) {
    try {
      await api.withdrawLibrarySection(key);
      setConfirming(null);
      setError(null);
      onWithdrawn();
    } catch (e) {
      setError(asCommandError(e).message);
    }
  }

  function item(s: LibrarySection) {
    return (
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
          {s.description ? <p className="hint">{s.description}</p> : null}
          {s.saved_by ? <p className="muted small">Saved by {s.saved_by}</p> : null}
        </div>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => onAdd(s)} data-testid={`library-add-${s.key}`} aria-label={`Add ${s.section.title}`}>
            Add
          </button>
          {s.saved_by ? (
            confirming === s.key ? (
              <button type="button" className="danger" onClick={() => void withdraw(s.key)} data-testid={`library-confirm-remove-${s.key}`}>
                Remove for every admin?
              </button>
            ) : (
              <button type="button" disabled={busy} onClick={() => setConfirming(s.key)} aria-label={`Remove ${s.section.title} from the library`} data-testid={`library-remove-${s.key}`}>
                Remove
              </button>
            )
          ) : null}
        </div>
      </li>
    );
  }

  return (
    <section className="card section-library" aria-label="Section library">
      <h3>Section library</h3>
      <p className="hint">Drag a section onto the page, or add it below the others.</p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="plain">{starters.map(item)}</ul>
      {saved.length > 0 ? (
        <>
          <h4>This clinic's sections</h4>
          <ul className="plain" data-testid="clinic-sections">
            {saved.map(item)}
          </ul>
        </>
      ) : null}
    </section>
  );
}
