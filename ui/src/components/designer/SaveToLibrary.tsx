// Why: an admin who built a section worth reusing (say a slit-lamp exam laid out like the
// clinic's paper chart) saves it to the clinic's section library with a one-line
// description; after sync every admin's designer offers it beside the starters. The
// replica refuses a section that could not be published (no fields, overlapping fields)
// and says why.
import { useState } from "react";
import { api } from "../../api";
import type { LibrarySection } from "../../bindings/LibrarySection";
import type { TemplateSection } from "../../bindings/TemplateSection";
import { asCommandError } from "../../logic/commandError";

interface Props {
  section: TemplateSection;
  busy: boolean;
  onSaved: (saved: LibrarySection) => void;
}

export function SaveToLibrary({ section, busy, onSaved }: Props) {
  const [open, setOpen] = useState(false);
  const [description, setDescription] = useState("");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);

  async function save() {
    setSaving(true);
    try {
      const entry = await api.saveLibrarySection(section, description);
      setOpen(false);
      setDescription("");
      setError(null);
      setSaved(true);
      onSaved(entry);
    } catch (e) {
      const ce = asCommandError(e);
      setError([ce.message, ...ce.field_errors.map((f) => f.message)]);
    } finally {
      setSaving(false);
    }
  }

  if (!open) {
    return (
      <div className="row">
        <button type="button" disabled={busy} onClick={() => { setOpen(true); setSaved(false); }} data-testid="save-to-library">
          Save to library
        </button>
        {saved ? (
          <span className="notice" role="status" data-testid="saved-to-library">
            Saved to the section library.
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <form
      className="row wrap save-to-library"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor="library-description">Description for the library</label>
      <input id="library-description" value={description} onChange={(e) => setDescription(e.target.value)} data-testid="library-description" />
      <button type="submit" className="primary" disabled={busy || saving} data-testid="confirm-save-to-library">
        Save “{section.title}”
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error ? (
        <div className="form-error" role="alert" data-testid="save-to-library-error">
          {error.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      ) : null}
    </form>
  );
}
