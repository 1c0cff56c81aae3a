// The designer as an admin uses it (Tauri IPC mocked): a library section added goes below
// the others with ids that do not clash; publishing shows the replica's problems and does
// not publish; the preview renders the fields as the encounter form would.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { LibrarySection } from "../../bindings/LibrarySection";
import type { TemplateEdit } from "../../bindings/TemplateEdit";
import type { TemplateProjection } from "../../bindings/TemplateProjection";
import type { TemplateSection } from "../../bindings/TemplateSection";
import { TemplateDesigner } from "./TemplateDesigner";

afterEach(() => {
  cleanup();
  clearMocks();
});

const iop: TemplateSection = {
  id: "iop",
  title: "Intraocular pressure",
  grid: { x: 0, y: 0, w: 6, h: 2 },
  fields: [
    {
      id: "iop_od",
      label: "IOP OD (right)",
      field_type: { type: "number", unit: "mmHg", min: 0, max: 80 },
      required: false,
      grid: { x: 0, y: 0, w: 3, h: 1 },
      auto_populate: { rule: "none" },
    },
  ],
};
const library: LibrarySection[] = [{ key: "iop", description: "pressure", section: iop }];

function template(sections: TemplateSection[]): TemplateProjection {
  const draft = {
    name: "Eye clinic",
    specialty: "ophthalmology",
    visit_type: "follow_up" as const,
    scope: { scope: "clinic" as const },
    pages: [{ id: "exam", title: "Exam", sections }],
  };
  return {
    id: "0190f0a0-0000-7000-8000-000000000001",
    name: draft.name,
    specialty: draft.specialty,
    visit_type: draft.visit_type,
    scope: draft.scope,
    draft,
    field_count: sections.flatMap((s) => s.fields).length,
    versions: [],
    latest_version: null,
    draft_published: false,
    concurrent_versions: [],
  };
}

describe("template designer", () => {
  it("adds a library section below the others, renaming its ids when it is already there", async () => {
    const sent: TemplateEdit[][] = [];
    mockIPC((cmd, args) => {
      if (cmd === "edit_template") {
        const a = args as { edits: TemplateEdit[] };
        sent.push(a.edits);
        return template([iop]);
      }
      return null;
    });
    render(<TemplateDesigner template={template([iop])} library={library} vitals={[]} onChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("library-add-iop"));
    await waitFor(() => expect(sent).toHaveLength(1));
    const edit = sent[0]?.[0];
    expect(edit?.op).toBe("add_section");
    if (edit?.op !== "add_section") return;
    expect(edit.page_id).toBe("exam");
    expect(edit.section.id).toBe("iop_2");
    expect(edit.section.grid).toEqual({ x: 0, y: 2, w: 6, h: 2 });
    expect(edit.section.fields.map((f) => f.id)).toEqual(["iop_od_2"]);
  });

  it("lists the replica's problems instead of publishing a draft that has them", async () => {
    let published = false;
    mockIPC((cmd) => {
      if (cmd === "template_publish_problems") {
        return [{ field: "pages.exam.sections.iop", message: 'the section "Intraocular pressure" has no fields; add a field or remove the section' }];
      }
      if (cmd === "publish_template") published = true;
      return null;
    });
    render(<TemplateDesigner template={template([{ ...iop, fields: [] }])} library={library} vitals={[]} onChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("publish"));
    const failure = await screen.findByTestId("designer-failure");
    expect(failure.textContent).toContain("has no fields");
    expect(published).toBe(false);
  });

  it("previews the draft with the clinician's inputs", () => {
    mockIPC(() => null);
    render(<TemplateDesigner template={template([iop])} library={library} vitals={[]} onChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("view-preview"));
    const preview = screen.getByTestId("template-preview");
    expect(preview.textContent).toContain("Intraocular pressure");
    expect(screen.getByLabelText(/IOP OD \(right\)/)).toBeTruthy();
  });
});
