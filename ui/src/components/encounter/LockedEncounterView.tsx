// Why: a signed encounter is locked (issue 7): it shows exactly the version the first
// signature covers, read-only (text, no inputs), with each signature's manifest (printed
// name, date-time with its zone, meaning, content hash in short form) and every change
// outside the signed version listed as an addendum with its author and whether it was
// concurrent with the signature or an amendment after it. Amendments are added here, with
// a required reason, and are signed themselves; the signed original stays as it is shown.
// An addendum not signed yet (an edit concurrent with the signature) is signed here by
// signing the encounter as it stands; a colleague who has not signed may co-sign it.
import { useContext, useMemo, useState } from "react";
import { api } from "../../api";
import type { EncounterView } from "../../bindings/EncounterView";
import type { FieldView } from "../../bindings/FieldView";
import type { LockedEncounter } from "../../bindings/LockedEncounter";
import type { SignatureView } from "../../bindings/SignatureView";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import { dateTime } from "../../logic/time";
import { NOTE_LABELS, meaningLabel, shortHash, signedAtText, timingLabel, valueText } from "../../logic/signing";
import { SessionContext, useCan } from "../session/SessionContext";
import { AmendmentForm } from "./AmendmentForm";
import { FormPages } from "./FormPages";
import { SigningDialog } from "./SigningDialog";

interface Props {
  /** The layout (the pinned template version); its values are not shown, the signed ones are. */
  view: EncounterView;
  locked: LockedEncounter;
  vitals: readonly VitalsProjection[];
  onAmended: (locked: LockedEncounter) => void;
}

function Manifest({ s, index }: { s: SignatureView; index: number }) {
  const m = s.manifest;
  return (
    <li className={s.problem ? "manifest bad" : "manifest"} data-testid="signature-manifest">
      <strong data-testid="manifest-name">{m.printed_name}</strong>
      {" · "}
      <span data-testid="manifest-meaning">{m.reason ? "Amendment (authorship)" : meaningLabel(m.meaning)}</span>
      {" · "}
      <span data-testid="manifest-time">{signedAtText(m.signed_at)}</span>
      {" · "}
      <span className="hash" title={m.content_sha256} data-testid="manifest-hash">
        SHA-256 {shortHash(m.content_sha256)}
      </span>
      {index === 0 ? <span className="muted"> · locked this version</span> : null}
      {m.reason ? (
        <div data-testid="manifest-reason">
          Reason: <q>{m.reason}</q>
        </div>
      ) : null}
      {s.problem ? (
        <div className="form-error" role="alert" data-testid="manifest-problem">
          This signature does not hold here: {s.problem}
        </div>
      ) : null}
    </li>
  );
}

export function LockedEncounterView({ view, locked, vitals, onAmended }: Props) {
  const can = useCan();
  const session = useContext(SessionContext);
  const [amending, setAmending] = useState(false);
  const [countersigning, setCountersigning] = useState(false);
  const fields = useMemo<FieldView[]>(() => view.pages.flatMap((p) => p.sections.flatMap((s) => s.fields)), [view]);
  const signed = locked.signed;
  const amended = locked.addenda.length > 0;
  const unsigned = locked.addenda.some((a) => !a.signed);
  const hasSigned = locked.signatures.some((s) => s.manifest.signer_id === session?.user.id);
  // What signing the encounter as it stands would do here, if anything.
  const countersign = unsigned
    ? can("encounter", "sign") || can("encounter", "co_sign")
      ? "Sign the addenda…"
      : null
    : !hasSigned && can("encounter", "co_sign")
      ? "Co-sign…"
      : null;
  return (
    <section className="card encounter-form locked" data-testid="locked-encounter" data-encounter-id={signed.id} aria-label="Signed encounter">
      <header className="encounter-head">
        <h3>
          {view.template_name} <span className="muted">v{view.template_version}</span>
        </h3>
        <span className="muted">
          {signed.date} · {signed.provider} · <span data-testid="locked-status">{locked.current.status}</span>
        </span>
        <span className="save-state" data-testid="locked-badge">
          Signed and locked
        </span>
      </header>
      <p className="hint">This is the version that was signed. It cannot be edited; changes are added as signed amendments below.</p>
      <h4>Signatures</h4>
      <ul className="manifests" data-testid="signature-manifests">
        {locked.signatures.map((s, i) => (
          <Manifest key={s.id} s={s} index={i} />
        ))}
      </ul>
      <div data-testid="signed-version">
        <FormPages
          pages={view.pages}
          renderField={(f) => (
            <div className="field">
              <span className="label">{f.label}</span>
              <div className="value" data-testid={`signed-${f.id}`}>
                {valueText(f.field_type, signed.fields[f.id])}
              </div>
            </div>
          )}
        />
        <div className="notes">
          {NOTE_LABELS.map(({ kind, label }) => (
            <div key={kind} className="field">
              <span className="label">{label}</span>
              <div className="value note-text" data-testid={`signed-note-${kind}`}>
                {signed.notes[kind] || "—"}
              </div>
            </div>
          ))}
        </div>
      </div>
      <h4>Addenda</h4>
      {amended ? (
        <ul className="entries" data-testid="addenda">
          {locked.addenda.map((a) => (
            <li key={a.change} data-testid="addendum" className={a.timing === "concurrent_with_signature" ? "addendum concurrent" : "addendum"}>
              <strong>{a.author ?? "unknown author"}</strong>
              {a.wall_ms !== undefined ? <span className="muted"> · {dateTime(new Date(a.wall_ms).toISOString())}</span> : null}
              {" · "}
              <span className="flag" data-testid="addendum-timing">
                {timingLabel(a.timing)}
              </span>
              {" · "}
              {a.signed ? "signed" : <span className="form-error">not signed yet: needs its own signature</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty" data-testid="no-addenda">
          No addenda.
        </p>
      )}
      {amended ? (
        <details data-testid="current-version">
          <summary>The encounter with the addenda</summary>
          {fields
            .filter((f) => JSON.stringify(locked.current.fields[f.id]) !== JSON.stringify(signed.fields[f.id]))
            .map((f) => (
              <p key={f.id}>
                {f.label}: <span data-testid={`current-${f.id}`}>{valueText(f.field_type, locked.current.fields[f.id])}</span>
              </p>
            ))}
          {NOTE_LABELS.filter(({ kind }) => locked.current.notes[kind] !== signed.notes[kind]).map(({ kind, label }) => (
            <p key={kind}>
              {label}: <span data-testid={`current-note-${kind}`}>{locked.current.notes[kind]}</span>
            </p>
          ))}
        </details>
      ) : null}
      {countersign && !amending ? (
        <button type="button" className="secondary" data-testid="countersign" onClick={() => setCountersigning(true)}>
          {countersign}
        </button>
      ) : null}
      {countersigning ? (
        <SigningDialog
          title={unsigned ? "Sign the addenda" : "Co-sign this encounter"}
          askMeaning
          covers="the encounter as it stands, with every addendum listed"
          onCancel={() => setCountersigning(false)}
          onSign={async (meaning, password, username) => {
            const next = await api.signEncounter(signed.id, meaning, password, username);
            setCountersigning(false);
            onAmended(next);
          }}
        />
      ) : null}
      {can("encounter", "amend") ? (
        amending ? (
          <AmendmentForm
            view={view}
            current={locked.current}
            vitals={vitals}
            onDone={(next) => {
              setAmending(false);
              onAmended(next);
            }}
            onCancel={() => setAmending(false)}
          />
        ) : (
          <button type="button" data-testid="add-amendment" onClick={() => setAmending(true)}>
            Add amendment
          </button>
        )
      ) : null}
    </section>
  );
}
