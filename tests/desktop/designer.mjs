// Why: proves the template designer end to end in the real app, as issue 6 asks: an admin
// builds a two-page template from three library sections placed by drag and drop, adds a
// custom field, previews and publishes; after sync a doctor on the other workstation charts
// an encounter on it; the admin moves a section and publishes version 2; the first
// encounter still renders version 1. The admin also saves the finished visual acuity
// section to the clinic's section library, and the same admin finds it in the library on
// the other workstation after sync. Run by run.sh after scenario.mjs, with the server up.
// The library's drag is HTML5 drag and drop, which WebDriver cannot perform, so it is
// dispatched as the browser would (dragstart, dragenter, dragover, drop with one
// DataTransfer); moving a placed section is a real pointer drag (retried: WebKitWebDriver
// sometimes drops the first press after a page change).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { app, browser, closeApp, launch, log, openChart, openTemplate, runScenario, sel, shot, signIn, signOut, type, waitAllSynced, waitText, work, ws1, ws2 } from "./lib.mjs";

const ROW = 34 + 8; // DesignerCanvas row height plus margin, in pixels
const { name: patient } = JSON.parse(readFileSync(join(work, "sentinel.json"), "utf8"));

/**
 * Drops library section `key` (`w` columns by `h` rows) onto page `pageId`'s grid with its
 * top left at column `col`, row `row` (the grid centres a dropped item on the pointer).
 */
async function dropFromLibrary(key, pageId, col, row, w, h) {
  const fire = (phase) =>
    browser.execute(
      (phase, key, pageId, col, row, w, h, rowPx) => {
        const item = document.querySelector(`[data-testid="library-${key}"]`);
        const grid = document.querySelector(`[data-testid="canvas-${pageId}"] .react-grid-layout`);
        if (!item || !grid) return `missing ${item ? "grid" : "library item"}`;
        const r = grid.getBoundingClientRect();
        const x = r.left + ((col + w / 2) * r.width) / 12;
        const y = r.top + (row + h / 2) * rowPx;
        window.__outpostDrag = window.__outpostDrag ?? new DataTransfer();
        const dt = window.__outpostDrag;
        const ev = (el, type) =>
          el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, dataTransfer: dt }));
        if (phase === "start") {
          ev(item, "dragstart");
          ev(grid, "dragenter");
          ev(grid, "dragover");
        } else if (phase === "over") {
          ev(grid, "dragover");
        } else {
          ev(grid, "drop");
          ev(item, "dragend");
          window.__outpostDrag = undefined;
        }
        return "ok";
      },
      phase,
      key,
      pageId,
      col,
      row,
      w,
      h,
      ROW,
    );
  for (const phase of ["start", "over", "drop"]) {
    const r = await fire(phase);
    if (r !== "ok") throw new Error(`dropping ${key} on page ${pageId}: ${r}`);
    await browser.pause(250);
  }
  await waitText(`designer-section-${key}`, (t) => t.length > 0, `place the ${key} section`);
}

async function gridPos(sectionId) {
  const p = await browser.$(sel(`designer-section-${sectionId}`)).getAttribute("data-grid-pos");
  return p.split(",").map(Number);
}

async function addPage(title) {
  await type("new-page", title);
  await browser.$(sel("add-page")).click();
  await waitText(`page-tab-${title.toLowerCase()}`, (t) => t === title, `add the ${title} page`);
}

async function publish(expected) {
  await browser.$(sel("publish")).click();
  await waitText("designer-notice", (t) => t.startsWith(`Published version ${expected}.`), `publish version ${expected}`);
}

const template = `Eye clinic ${Date.now().toString(36).toUpperCase()}`;
await runScenario("designer", async () => {
  // ---- The admin builds the form on workstation 2. ---------------------------------------
  await launch(ws2);
  await signIn("admin.e2e");
  await browser.$(sel("nav-templates")).click();
  await type("#new-template-name", template);
  await type("#new-template-specialty", "ophthalmology");
  await browser.$("#new-template-visit").selectByAttribute("value", "follow_up");
  await browser.$(sel("new-template-create")).click();
  await waitText("designer", (t) => t.includes("Not published yet"), "open the new template in the designer");
  await addPage("Exam");
  await dropFromLibrary("visual_acuity", "exam", 0, 0, 6, 2);
  await dropFromLibrary("iop", "exam", 6, 0, 6, 2);
  const [vx, vy] = await gridPos("visual_acuity");
  const [ix, iy] = await gridPos("iop");
  if (vx !== 0 || vy !== 0 || ix !== 6 || iy !== 0) throw new Error(`dropped at visual_acuity ${vx},${vy} and iop ${ix},${iy}; wanted 0,0 and 6,0`);

  await browser.$(sel("select-section-visual_acuity")).click();
  await browser.$(sel("add-field")).click();
  await type("#new-field-label", "Acuity comments");
  await browser.$("#new-field-type").selectByAttribute("value", "long_text");
  await browser.$(sel("new-field-save")).click();
  await waitText("field-row-acuity_comments", (t) => t.includes("Acuity comments") && t.includes("Long text"), "add the custom field");
  // The section as this clinic charts it goes to the library, for every admin.
  await browser.$(sel("save-to-library")).click();
  await type("library-description", "Acuity with comments, as on our paper chart");
  await browser.$(sel("confirm-save-to-library")).click();
  await waitText("saved-to-library", (t) => t.includes("Saved"), "save the section to the library");
  await waitText("clinic-sections", (t) => t.includes("Visual acuity") && t.includes("Saved by admin.e2e"), "list the saved section");

  await addPage("Plan");
  await browser.$(sel("page-tab-plan")).click();
  await dropFromLibrary("assessment_plan", "plan", 0, 0, 12, 4);
  await browser.$(sel("page-tab-exam")).click();
  await waitText("canvas-exam", (t) => t.includes("Visual acuity") && t.includes("Intraocular pressure"), "show the exam page");
  await shot("designer-v1-draft", { screen: true });

  await browser.$(sel("view-preview")).click();
  await waitText("template-preview", (t) => t.includes("Visual acuity OD (right)") && t.includes("Acuity comments") && t.includes("Working diagnosis"), "preview both pages");
  await shot("designer-preview", { screen: true });
  await browser.$(sel("view-design")).click();
  await publish(1);
  await waitAllSynced("send version 1");
  await signOut();
  await closeApp();

  // ---- A doctor on workstation 1 charts on version 1. -------------------------------------
  await launch(ws1);
  await signIn("dr.e2e");
  await waitAllSynced("pull the published template");
  await openChart(patient);
  await browser.$(sel("tab-encounters")).click();
  await waitText("template-chooser", (t) => t.includes("ophthalmology"), "offer the ophthalmology template");
  await browser.$(sel("choose-specialty")).selectByAttribute("value", "ophthalmology");
  await waitText("choose-template", (t) => t.includes(template), "choose the eye clinic template");
  await browser.$(sel("start-encounter")).click();
  await waitText("encounter-form", (t) => t.includes(template) && t.includes("v1") && t.includes("IOP OD (right)"), "render version 1");
  await type("field-iop_od", "18");
  await waitText("save-state", (t) => t === "All changes saved", "save the pressure");
  await shot("doctor-encounter-v1", { screen: true });
  await browser.$(sel("close-encounter")).click();
  await waitAllSynced("send the encounter");
  await signOut();
  await closeApp();

  // ---- The admin moves a section and publishes version 2. ---------------------------------
  await launch(ws2);
  await signIn("admin.e2e");
  await waitAllSynced("pull the encounter");
  await openTemplate(template);
  await waitText("versions-" + template, (t) => t.includes("v1: 1 encounter"), "count the encounter on version 1", 30_000);
  await waitText("designer-section-iop", (t) => t.includes("Intraocular pressure"), "show the iop section");
  // A real pointer drag of the section's title, two rows down and six columns left.
  const grid = await browser.$(`${sel("canvas-exam")} .react-grid-layout`);
  const colPx = (await grid.getSize("width")) / 12;
  const dx = Math.round(-6 * colPx);
  const dy = 2 * ROW;
  const moved = async () => {
    const [x, y] = await gridPos("iop");
    return x === 0 && y >= 2;
  };
  for (let attempt = 1; attempt <= 3 && !(await moved()); attempt += 1) {
    const handle = await browser.$(`${sel("designer-section-iop")} strong`);
    const steps = Array.from({ length: 8 }, () => ({
      type: "pointerMove",
      origin: "pointer",
      x: Math.round(dx / 8),
      y: Math.round(dy / 8),
      duration: 60,
    }));
    await browser.performActions([
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", origin: handle, x: 0, y: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pause", duration: 150 },
          ...steps,
          { type: "pause", duration: 150 },
          { type: "pointerUp", button: 0 },
        ],
      },
    ]);
    await browser.releaseActions();
    await browser.waitUntil(moved, { timeout: 3_000 }).catch(async () => log(`drag attempt ${attempt} left iop at ${await gridPos("iop")}`));
  }
  if (!(await moved())) throw new Error(`the iop section did not move below visual acuity (at ${await gridPos("iop")})`);
  await publish(2);
  await shot("designer-v2-published", { screen: true });
  await browser.$(sel("view-version-1")).click();
  await waitText("template-preview", (t) => t.includes("v1"), "show version 1");
  await shot("designer-version-1", { screen: true });
  await browser.$(sel("view-version-2")).click();
  await waitText("template-preview", (t) => t.includes("v2"), "show version 2");
  await shot("designer-version-2", { screen: true });
  await waitAllSynced("send version 2");
  await signOut();
  await closeApp();

  // ---- The first encounter still renders version 1. ---------------------------------------
  await launch(ws1);
  await signIn("dr.e2e");
  await waitAllSynced("pull version 2");
  await openChart(patient);
  await browser.$(sel("tab-encounters")).click();
  await waitText("encounters", (t) => t.includes("ophthalmology"), "list the ophthalmology encounter");
  const rows = await browser.$$(sel("encounter-row"));
  let opened = false;
  for (const row of rows) {
    if ((await row.getText()).includes("ophthalmology")) {
      await row.$("button").click();
      opened = true;
      break;
    }
  }
  if (!opened) throw new Error("the ophthalmology encounter is not listed");
  await waitText("encounter-form", (t) => t.includes(template) && t.includes("v1"), "render the encounter on version 1");
  const style = await browser.$(sel("section-iop")).getAttribute("style");
  // WebKit writes the placement as longhands (grid-column-start: 7; …).
  if (!/grid-column(-start)?:\s*7\b/.test(style) || !/grid-row(-start)?:\s*1\b/.test(style)) {
    throw new Error(`the encounter's iop section is placed by "${style}", not version 1's column 7, row 1`);
  }
  const iop = await browser.$(sel("field-iop_od")).getValue();
  if (iop !== "18") throw new Error(`the encounter's IOP OD holds "${iop}", wanted 18`);
  await shot("doctor-encounter-still-v1", { screen: true });
  await signOut();

  // ---- The section the admin saved on workstation 2 is in the library here too. -----------
  await signIn("admin.e2e");
  await waitAllSynced("pull the saved library section");
  await openTemplate(template);
  const saved = await waitText(
    "clinic-sections",
    (t) => t.includes("Visual acuity") && t.includes("Acuity with comments") && t.includes("Saved by admin.e2e"),
    "offer the saved section on the other workstation",
    30_000,
  );
  if (!saved.includes("5 fields")) throw new Error(`the saved section arrived without its custom field: "${saved}"`);
  await browser.$(sel("clinic-sections")).scrollIntoView();
  await shot("library-on-other-workstation", { screen: true });
  await signOut();
  await closeApp();
});
