// Why: the admins' screen for the forms clinicians chart on: the list of templates with
// their versions and use, the designer for the chosen one, and import. Only shown to users
// whose role may write templates; the replica refuses anyone else's edits anyway.
import { useEffect, useState } from "react";
import { api } from "../../api";
import type { LibrarySection } from "../../bindings/LibrarySection";
import type { TemplateProjection } from "../../bindings/TemplateProjection";
import { asCommandError } from "../../logic/commandError";
import { TemplateDesigner } from "./TemplateDesigner";
import { TemplateList } from "./TemplateList";
import { ImportPanel } from "./TemplateTransfer";

interface Props {
  refresh: string;
  onWrote: () => void;
}

export function TemplatesScreen({ refresh, onWrote }: Props) {
  const [templates, setTemplates] = useState<TemplateProjection[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [library, setLibrary] = useState<LibrarySection[]>([]);
  const [vitals, setVitals] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  const [libraryVersion, setLibraryVersion] = useState(0);

  useEffect(() => {
    api.vitalRanges().then((r) => setVitals(r.map((v) => v.field)), () => setVitals([]));
  }, []);
  // Sections other admins saved arrive with sync (`refresh`); this admin's own at once.
  useEffect(() => {
    let current = true;
    api.sectionLibrary().then(
      (l) => current && setLibrary(l),
      (e: unknown) => current && setError(asCommandError(e).message),
    );
    return () => {
      current = false;
    };
  }, [refresh, libraryVersion]);
  useEffect(() => {
    let current = true;
    api.listTemplates().then(
      (t) => current && setTemplates(t),
      (e: unknown) => current && setError(asCommandError(e).message),
    );
    return () => {
      current = false;
    };
  }, [refresh]);

  function changed(t: TemplateProjection) {
    setTemplates((all) => (all.some((x) => x.id === t.id) ? all.map((x) => (x.id === t.id ? t : x)) : [...all, t]));
    setSelectedId(t.id);
    onWrote();
  }

  const selected = templates.find((t) => t.id === selectedId) ?? null;
  return (
    <main className="layout designer-layout">
      <div className="left">
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <TemplateList templates={templates} selectedId={selectedId} refresh={refresh} onSelect={setSelectedId} onCreated={changed} />
        <ImportPanel onImported={changed} />
      </div>
      <div className="right">
        {selected ? (
          <TemplateDesigner key={selected.id} template={selected} library={library}
            vitals={vitals}
            onChanged={changed}
            onLibraryChanged={() => {
              setLibraryVersion((n) => n + 1);
              onWrote();
            }}
          />
        ) : (
          <p className="hint">Choose a template or create one.</p>
        )}
      </div>
    </main>
  );
}
