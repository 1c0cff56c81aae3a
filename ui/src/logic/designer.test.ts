import { describe, expect, it } from "vitest";
import type { TemplateContent } from "../bindings/TemplateContent";
import type { TemplateSection } from "../bindings/TemplateSection";
import {
  buildFieldType,
  fieldTypeInput,
  idFromLabel,
  layoutEdits,
  nextFreeRow,
  overlappingSections,
  placeLibrarySection,
  sectionLayout,
  type LayoutBox,
} from "./designer";

const vitals: TemplateSection = {
  id: "vitals",
  title: "Vitals",
  grid: { x: 0, y: 0, w: 12, h: 3 },
  fields: [
    {
      id: "vitals_weight_kg",
      label: "Weight",
      field_type: { type: "number", unit: "kg", min: 0, max: 700 },
      required: false,
      grid: { x: 0, y: 0, w: 3, h: 1 },
      auto_populate: { rule: "from_vitals", field: "weight_kg" },
    },
  ],
};
const plan: TemplateSection = { id: "plan", title: "Plan", grid: { x: 0, y: 3, w: 6, h: 2 }, fields: [] };

function content(sections: TemplateSection[]): TemplateContent {
  return {
    name: "Intake",
    specialty: "general",
    visit_type: "new_patient",
    scope: { scope: "clinic" },
    pages: [{ id: "main", title: "Main", sections }],
  };
}

describe("designer layout", () => {
  it("turns a drag into a move of only the section that moved, and a resize into a resize", () => {
    const [v, p] = sectionLayout([vitals, plan]) as [LayoutBox, LayoutBox];
    const layout = [v, { ...p, x: 6, y: 3 }];
    expect(layoutEdits([vitals, plan], layout)).toEqual([{ op: "move_section", section_id: "plan", x: 6, y: 3 }]);
    layout[0] = { ...v, h: 4 };
    expect(layoutEdits([vitals, plan], layout)).toEqual([
      { op: "resize_section", section_id: "vitals", w: 12, h: 4 },
      { op: "move_section", section_id: "plan", x: 6, y: 3 },
    ]);
    expect(layoutEdits([vitals, plan], sectionLayout([vitals, plan]))).toEqual([]);
  });

  it("gives a library section dropped a second time fresh section and field ids", () => {
    const placed = placeLibrarySection(vitals, content([vitals]), { x: 3, y: 5 });
    expect(placed.id).toBe("vitals_2");
    expect(placed.fields.map((f) => f.id)).toEqual(["vitals_weight_kg_2"]);
    expect(placed.grid).toEqual({ x: 0, y: 5, w: 12, h: 3 });
    const first = placeLibrarySection(vitals, content([plan]), { x: 0, y: 9 });
    expect(first.id).toBe("vitals");
    expect(first.fields.map((f) => f.id)).toEqual(["vitals_weight_kg"]);
  });

  it("finds the first free row and names overlapping sections", () => {
    expect(nextFreeRow([vitals, plan])).toBe(5);
    expect(nextFreeRow([])).toBe(0);
    expect(overlappingSections([vitals, plan])).toEqual([]);
    expect(overlappingSections([vitals, { ...plan, grid: { x: 2, y: 2, w: 4, h: 2 } }])).toEqual(["Vitals and Plan"]);
  });
});

describe("field editor", () => {
  it("builds a number type with its range, refusing an inverted or non-numeric range", () => {
    const base = { type: "number" as const, unit: " mmHg ", min: "50", max: "250", options: "" };
    expect(buildFieldType(base)).toEqual({ ok: true, value: { type: "number", unit: "mmHg", min: 50, max: 250 } });
    expect(buildFieldType({ ...base, min: "" })).toEqual({
      ok: true,
      value: { type: "number", unit: "mmHg", min: null, max: 250 },
    });
    expect(buildFieldType({ ...base, min: "300" })).toEqual({ ok: false, message: "the minimum 300 is above the maximum 250" });
    expect(buildFieldType({ ...base, max: "lots" })).toEqual({ ok: false, message: "the maximum must be a number" });
  });

  it("builds select options one per line, refusing none or a repeat", () => {
    const base = { type: "select" as const, unit: "", min: "", max: "", options: "sinus\n\n afib \n" };
    expect(buildFieldType(base)).toEqual({ ok: true, value: { type: "select", options: ["sinus", "afib"] } });
    expect(buildFieldType({ ...base, options: "  " })).toEqual({ ok: false, message: "list at least one option, one per line" });
    expect(buildFieldType({ ...base, options: "a\nb\na" })).toEqual({ ok: false, message: 'the option "a" is listed twice' });
    expect(fieldTypeInput({ type: "multi_select", options: ["x", "y"] }).options).toBe("x\ny");
  });

  it("makes a field id from a label", () => {
    expect(idFromLabel("Visual acuity OD (right)")).toBe("visual_acuity_od_right");
    expect(idFromLabel("  ")).toBe("field");
  });
});
