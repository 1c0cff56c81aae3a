// Why: the front desk and the ward find a patient by typing part of a name, the MRN or
// the date of birth; results follow as they type (debounced), one page at a time, so even
// 10,000 patients stay quick. Arrow keys move through the results and Enter opens one.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api } from "../api";
import type { DocId } from "../bindings/DocId";
import type { PatientSearchPage } from "../bindings/PatientSearchPage";
import { asCommandError } from "../logic/commandError";
import { vitalsSummary } from "../logic/vitals";

/** Quiet time after a keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 150;
export const SEARCH_PAGE = 50;

interface Props {
  selectedId: DocId | null;
  onSelect: (id: DocId) => void;
  /** Changes when the list may have changed (a local write, a completed sync). */
  refresh: unknown;
}

const SEX_LABEL: Record<string, string> = { female: "F", male: "M", other: "Other", unknown: "Unknown" };

export function PatientSearch({ selectedId, onSelect, refresh }: Props) {
  const [query, setQuery] = useState("");
  const [page, setPage] = useState<PatientSearchPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.searchPatients(query, SEARCH_PAGE).then(
        (p) => {
          if (!current) return;
          setPage(p);
          setError(null);
          setActive((a) => Math.min(a, Math.max(0, p.patients.length - 1)));
        },
        (e: unknown) => current && setError(asCommandError(e).message),
      );
    }, query === "" ? 0 : SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, refresh]);

  const patients = page?.patients ?? [];
  function move(e: KeyboardEvent, from: "input" | "row") {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = from === "input" && e.key === "ArrowDown" ? 0 : active + (e.key === "ArrowDown" ? 1 : -1);
      const i = Math.max(0, Math.min(patients.length - 1, next));
      setActive(i);
      rows.current[i]?.focus();
    } else if (e.key === "Enter" && from === "input" && patients[active]) {
      e.preventDefault();
      onSelect(patients[active].id);
    }
  }

  return (
    <section className="card patients" aria-label="Patients">
      <h2>Patients {page ? <span className="muted">({page.total})</span> : null}</h2>
      <div className="field">
        <label htmlFor="patient-search">Find a patient</label>
        <input
          id="patient-search"
          data-testid="patient-search"
          type="search"
          autoComplete="off"
          placeholder="Name, MRN or date of birth (YYYY-MM-DD)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => move(e, "input")}
          aria-controls="patient-results"
        />
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="load-error">
          {error}
        </p>
      ) : null}
      {page && page.total === 0 ? (
        <p className="empty" data-testid="patient-list-empty">
          No patients registered yet.
        </p>
      ) : page && patients.length === 0 ? (
        <p className="empty" data-testid="patient-search-empty">
          No patient matches “{query}”.
        </p>
      ) : null}
      <table id="patient-results" data-testid="patient-list" aria-label="Matching patients">
        <thead>
          <tr>
            <th>Name</th>
            <th>Date of birth</th>
            <th>Sex</th>
            <th>MRN</th>
            <th>Latest vitals</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((p, i) => (
            <tr
              key={p.id}
              ref={(el) => {
                rows.current[i] = el;
              }}
              data-testid="patient-row"
              data-patient-id={p.id}
              className={p.id === selectedId ? "selected" : undefined}
              aria-selected={p.id === selectedId}
              tabIndex={i === active ? 0 : -1}
              onClick={() => onSelect(p.id)}
              onFocus={() => setActive(i)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  onSelect(p.id);
                } else move(e, "row");
              }}
            >
              <td className="name" data-testid="patient-row-name">
                {p.name}
              </td>
              <td className="nowrap">{p.date_of_birth}</td>
              <td className="nowrap">{SEX_LABEL[p.sex] ?? p.sex}</td>
              <td className="nowrap">
                {p.mrn}
                {p.provisional ? <span className="tag provisional"> provisional</span> : null}
              </td>
              {p.restricted ? (
                <td className="vitals none" data-testid="patient-row-vitals">
                  <span className="tag restricted" title="Open the chart and give a reason to see it">
                    restricted chart
                  </span>
                </td>
              ) : (
                <td className={p.latest_vitals ? "vitals" : "vitals none"} data-testid="patient-row-vitals">
                  {vitalsSummary(p.latest_vitals)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {page?.more ? (
        <p className="hint" data-testid="patient-search-more">
          Showing the first {patients.length} of {page.total}; type more to narrow the search.
        </p>
      ) : null}
    </section>
  );
}
