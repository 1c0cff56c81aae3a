// Why: the template designer's arithmetic, apart from React so it can be tested alone:
// sections ⇄ grid-library layout items, the edits a drag or resize produces (only for the
// sections that really moved), fresh ids when a library section is dropped twice, the
// overlaps the designer warns about before publishing, and building a field type from the
// field editor's inputs.
import type { AutoPopulate } from "../bindings/AutoPopulate";
import type { FieldType } from "../bindings/FieldType";
import type { GridPos } from "../bindings/GridPos";
import type { TemplateContent } from "../bindings/TemplateContent";
import type { TemplateEdit } from "../bindings/TemplateEdit";
import type { TemplateSection } from "../bindings/TemplateSection";

/** Columns of the template grid (the domain's GRID_COLUMNS). */
export const GRID_COLUMNS = 12;

/** What the grid library needs of one section. */
export interface LayoutBox {
  i: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function sectionLayout(sections: readonly TemplateSection[]): LayoutBox[] {
  return sections.map((s) => ({ i: s.id, ...s.grid }));
}

/** The moves and resizes that turn `sections` into `layout`; nothing for an unmoved section. */
export function layoutEdits(sections: readonly TemplateSection[], layout: readonly LayoutBox[]): TemplateEdit[] {
  const edits: TemplateEdit[] = [];
  for (const box of layout) {
    const s = sections.find((x) => x.id === box.i);
    if (!s) continue;
    if (s.grid.x !== box.x || s.grid.y !== box.y) {
      edits.push({ op: "move_section", section_id: s.id, x: box.x, y: box.y });
    }
    if (s.grid.w !== box.w || s.grid.h !== box.h) {
      edits.push({ op: "resize_section", section_id: s.id, w: box.w, h: box.h });
    }
  }
  return edits;
}

/** Every section, field and page id the template already uses. */
export function usedIds(content: TemplateContent): Set<string> {
  const ids = new Set<string>();
  for (const p of content.pages) {
    ids.add(p.id);
    for (const s of p.sections) {
      ids.add(s.id);
      for (const f of s.fields) ids.add(f.id);
    }
  }
  return ids;
}

function fresh(id: string, used: Set<string>, suffix: string): string {
  if (!used.has(id)) return id;
  let n = 2;
  while (used.has(`${id}${suffix}${n}`)) n += 1;
  return `${id}${suffix}${n}`;
}

/**
 * A copy of a library section placed at `pos`, its section and field ids made unique in
 * `content` (a second vitals block becomes `vitals_2` with fields `vitals_weight_kg_2`, …).
 */
export function placeLibrarySection(
  section: TemplateSection,
  content: TemplateContent,
  pos: { x: number; y: number },
): TemplateSection {
  const used = usedIds(content);
  const id = fresh(section.id, used, "_");
  const suffix = id === section.id ? "" : id.slice(section.id.length);
  const x = Math.min(Math.max(0, pos.x), Math.max(0, GRID_COLUMNS - section.grid.w));
  return {
    ...section,
    id,
    grid: { ...section.grid, x, y: Math.max(0, pos.y) },
    fields: section.fields.map((f) => ({ ...f, id: suffix ? fresh(`${f.id}${suffix}`, used, "_") : f.id })),
  };
}

/** The first free row below every section of a page. */
export function nextFreeRow(sections: readonly TemplateSection[]): number {
  return sections.reduce((row, s) => Math.max(row, s.grid.y + s.grid.h), 0);
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Pairs of sections on one page that cover the same cells, as "A and B". */
export function overlappingSections(sections: readonly TemplateSection[]): string[] {
  const out: string[] = [];
  sections.forEach((a, i) => {
    for (const b of sections.slice(i + 1)) {
      if (overlaps(a.grid, b.grid)) out.push(`${a.title} and ${b.title}`);
    }
  });
  return out;
}

/** What the field editor collects before it becomes a field type. */
export interface FieldTypeInput {
  type: FieldType["type"];
  unit: string;
  min: string;
  max: string;
  /** One option per line. */
  options: string;
}

export type Built<T> = { ok: true; value: T } | { ok: false; message: string };

function bound(text: string, name: string): Built<number | null> {
  const t = text.trim();
  if (t === "") return { ok: true, value: null };
  const n = Number(t);
  return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `the ${name} must be a number` };
}

export function buildFieldType(input: FieldTypeInput): Built<FieldType> {
  switch (input.type) {
    case "number": {
      const min = bound(input.min, "minimum");
      if (!min.ok) return min;
      const max = bound(input.max, "maximum");
      if (!max.ok) return max;
      if (min.value !== null && max.value !== null && min.value > max.value) {
        return { ok: false, message: `the minimum ${min.value} is above the maximum ${max.value}` };
      }
      return { ok: true, value: { type: "number", unit: input.unit.trim(), min: min.value, max: max.value } };
    }
    case "select":
    case "multi_select": {
      const options = input.options
        .split("\n")
        .map((o) => o.trim())
        .filter((o) => o !== "");
      if (options.length === 0) return { ok: false, message: "list at least one option, one per line" };
      const twice = options.find((o, i) => options.indexOf(o) !== i);
      if (twice !== undefined) return { ok: false, message: `the option "${twice}" is listed twice` };
      return { ok: true, value: { type: input.type, options } };
    }
    default:
      return { ok: true, value: { type: input.type } };
  }
}

/** The editor's inputs for an existing field type. */
export function fieldTypeInput(t: FieldType): FieldTypeInput {
  const base = { type: t.type, unit: "", min: "", max: "", options: "" };
  if (t.type === "number") return { ...base, unit: t.unit, min: t.min?.toString() ?? "", max: t.max?.toString() ?? "" };
  if (t.type === "select" || t.type === "multi_select") return { ...base, options: t.options.join("\n") };
  return base;
}

/** A field id from a label: lower case letters, digits and underscores. */
export function idFromLabel(label: string): string {
  const id = label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return id === "" ? "field" : id.slice(0, 48);
}

export const FIELD_TYPES: readonly { type: FieldType["type"]; label: string }[] = [
  { type: "text", label: "Text" },
  { type: "long_text", label: "Long text" },
  { type: "number", label: "Number" },
  { type: "select", label: "Select (one)" },
  { type: "multi_select", label: "Multi-select" },
  { type: "checkbox", label: "Checkbox" },
  { type: "date", label: "Date" },
  { type: "vitals_block", label: "Vitals block" },
];

export function autoPopulateLabel(a: AutoPopulate): string {
  switch (a.rule) {
    case "none":
      return "none";
    case "last_value_for_patient":
      return "last value for this patient";
    case "from_vitals":
      return `latest vitals: ${a.field}`;
  }
}
