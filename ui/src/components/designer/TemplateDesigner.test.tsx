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
    render(<TemplateDesigner template={template([iop])} library={library} vitals={[]} onChanged={() => {}} onLibraryChanged={() => {}} />);
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
    render(<TemplateDesigner template={template([{ ...iop, fields: [] }])} library={library} vitals={[]} onChanged={() => {}} onLibraryChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("publish"));
    const failure = await screen.findByTestId("designer-failure");
    expect(failure.textContent).toContain("has no fields");
    expect(published).toBe(false);
  });

  it("previews the draft with the clinician's inputs", () => {
    mockIPC(() => null);
    render(<TemplateDesigner template={template([iop])} library={library} vitals={[]} onChanged={() => {}} onLibraryChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("view-preview"));
    const preview = screen.getByTestId("template-preview");
    expect(preview.textContent).toContain("Intraocular pressure");
    expect(screen.getByLabelText(/IOP OD \(right\)/)).toBeTruthy();
  });

  it("saves the chosen section to the clinic's library with its description", async () => {
    const saved: unknown[] = [];
    let libraryChanged = 0;
    mockIPC((cmd, args) => {
      if (cmd === "save_library_section") {
        saved.push(args);
        return { key: "0190f0a0-0000-7000-8000-0000000000aa", description: "Pressure both eyes", section: iop, saved_by: "admin.ada" };
      }
      return null;
    });
    render(<TemplateDesigner template={template([iop])} library={library} vitals={[]} onChanged={() => {}} onLibraryChanged={() => (libraryChanged += 1)} />);
    fireEvent.click(screen.getByTestId("select-section-iop"));
    fireEvent.click(screen.getByTestId("save-to-library"));
    fireEvent.change(screen.getByTestId("library-description"), { target: { value: "Pressure both eyes" } });
    fireEvent.click(screen.getByTestId("confirm-save-to-library"));
    await screen.findByTestId("saved-to-library");
    expect(saved).toEqual([{ section: iop, description: "Pressure both eyes" }]);
    expect(libraryChanged).toBe(1);
  });

  it("shows why the replica refused to save a section, and keeps the form open", async () => {
    mockIPC((cmd) => {
      if (cmd === "save_library_section") {
        throw { kind: "invalid", message: "The entry is not valid", field_errors: [{ field: "section", message: 'the section "Intraocular pressure" has no fields; add a field or remove the section' }] };
      }
      return null;
    });
    const empty = { ...iop, fields: [] };
    render(<TemplateDesigner template={template([empty])} library={library} vitals={[]} onChanged={() => {}} onLibraryChanged={() => {}} />);
    fireEvent.click(screen.getByTestId("select-section-iop"));
    fireEvent.click(screen.getByTestId("save-to-library"));
    fireEvent.click(screen.getByTestId("confirm-save-to-library"));
    const error = await screen.findByTestId("save-to-library-error");
    expect(error.textContent).toContain("has no fields");
    expect(screen.getByTestId("library-description")).toBeTruthy();
  });

  it("lists the clinic's saved sections after the starters and removes one only after a second click", async () => {
    const withdrawn: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "withdraw_library_section") withdrawn.push(args);
      return null;
    });
    const key = "0190f0a0-0000-7000-8000-0000000000bb";
    const mine: LibrarySection = { key, description: "Slit lamp", section: { ...iop, id: "slit", title: "Slit lamp" }, saved_by: "admin.ben" };
    let libraryChanged = 0;
    render(<TemplateDesigner template={template([iop])} library={[...library, mine]} vitals={[]} onChanged={() => {}} onLibraryChanged={() => (libraryChanged += 1)} />);
    const clinic = screen.getByTestId("clinic-sections");
    expect(clinic.textContent).toContain("Slit lamp");
    expect(clinic.textContent).toContain("Saved by admin.ben");
    expect(screen.queryByTestId("library-remove-iop")).toBeNull();
    fireEvent.click(screen.getByTestId(`library-remove-${key}`));
    expect(withdrawn).toEqual([]);
    fireEvent.click(screen.getByTestId(`library-confirm-remove-${key}`));
    await waitFor(() => expect(withdrawn).toEqual([{ id: key }]));
    expect(libraryChanged).toBe(1);
  });
});
