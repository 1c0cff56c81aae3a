// Why: moving a form between clinics as a JSON file. Export shows the file (draft or a
// published version) to copy or save; import reads a chosen or pasted file and creates a
// new draft from it. The replica checks the whole file first and names what is wrong
// (malformed JSON, unknown field types, overlapping positions), storing nothing then.
import { useState } from "react";
import { api } from "../../api";
import type { TemplateProjection } from "../../bindings/TemplateProjection";
import { asCommandError } from "../../logic/commandError";

export function ExportPanel({ template }: { template: TemplateProjection }) {
  const [version, setVersion] = useState<number | null>(template.latest_version);
  const [file, setFile] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    try {
      setFile(await api.exportTemplate(template.id, version));
      setError(null);
    } catch (e) {
      setError(asCommandError(e).message);
    }
  }
  const href = file ? `data:application/json;charset=utf-8,${encodeURIComponent(file)}` : undefined;
  return (
    <section className="card" aria-label="Export template">
      <h3>Export</h3>
      <div className="row">
        <label htmlFor="export-version">What</label>
        <select id="export-version" value={version ?? ""} onChange={(e) => setVersion(e.target.value === "" ? null : Number(e.target.value))}>
          <option value="">Draft</option>
          {template.versions.map((v) => (
            <option key={`${v.number}:${v.content_hash}`} value={v.number}>
              Version {v.number}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void run()} data-testid="export-run">
          Export
        </button>
        {href ? (
          <a href={href} download={`${template.name.replace(/[^A-Za-z0-9]+/g, "-")}.json`}>
            Save file
          </a>
        ) : null}
      </div>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {file ? <textarea className="json" readOnly rows={10} value={file} aria-label="Exported template file" data-testid="export-file" /> : null}
    </section>
  );
}

export function ImportPanel({ onImported }: { onImported: (t: TemplateProjection) => void }) {
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  async function run() {
    try {
      const t = await api.importTemplate(text);
      setProblems([]);
      setText("");
      onImported(t);
    } catch (e) {
      const ce = asCommandError(e);
      setProblems(ce.field_errors.length > 0 ? ce.field_errors.map((f) => `${f.field}: ${f.message}`) : [ce.message]);
    }
  }
  return (
    <section className="card" aria-label="Import template">
      <h3>Import</h3>
      <label htmlFor="import-file">Template file</label>
      <input
        id="import-file"
        type="file"
        accept="application/json,.json"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void f.text().then(setText);
        }}
      />
      <label htmlFor="import-text">or paste its contents</label>
      <textarea id="import-text" className="json" rows={5} value={text} onChange={(e) => setText(e.target.value)} data-testid="import-text" />
      <button type="button" disabled={text.trim() === ""} onClick={() => void run()} data-testid="import-run">
        Import as a new draft
      </button>
      {problems.length > 0 ? (
        <ul className="form-error" role="alert" data-testid="import-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
