// Desktop e2e of issue 7's signing flow, through the real window on workstation 1 with the
// sync server up: a surgeon registers a patient and charts an operative note, signs it
// (first signing of the session: username and password; a wrong password first, which
// must say how many attempts remain), sees the manifest, finds the note locked (no input
// left to type into, and keys typed at it store nothing), then adds an amendment with a
// reason and signs it with the password alone; the signed original stays shown. run.sh
// then checks a fresh workstation pulls the encounter as amended.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { browser, launch, log, runScenario, sel, setDate, shot, signIn, signOut, type, waitAllSynced, waitText, work, ws1, password } from "./lib.mjs";

const suffix = Date.now().toString(36).toUpperCase();
const name = `Signing Mensah ${suffix}`;
const procedure = `Laparoscopic appendectomy ${suffix}`;
const assessment = "Acute appendicitis, no perforation";
const reason = "Blood loss was not recorded";

/** The locked view's inputs, text areas, selects and editable elements (none may exist). */
async function editablesInSignedVersion() {
  return browser.execute(
    (s) => document.querySelector(s)?.querySelectorAll("input, textarea, select, [contenteditable='true']").length ?? -1,
    sel("signed-version"),
  );
}

async function signedText() {
  return (await browser.$(sel("signed-version")).getText()).trim();
}

await runScenario("signing", async () => {
  await launch(ws1);
  const who = await signIn("surgeon.e2e");
  if (!who.startsWith("E2E Surgeon · Surgeon")) throw new Error(`header names "${who}"`);
  await waitAllSynced("bring the operative note template");

  // ---- Chart an operative note. -------------------------------------------------------------
  await type("patient-name", name);
  await setDate("patient-dob", "1979-05-14");
  await browser.$(sel("patient-sex")).selectByAttribute("value", "male");
  await type("patient-mrn", `SIG-${suffix}`);
  await browser.$(sel("register-submit")).click();
  await waitText("selected-patient", (t) => t.includes(name), "open the new chart");
  await browser.$(sel("tab-encounters")).click();
  await waitText("template-chooser", (t) => t.includes("surgery"), "offer the operative note");
  await browser.$(sel("choose-specialty")).selectByAttribute("value", "surgery");
  await waitText("template-chooser", (t) => t.includes("Operative note"), "choose the operative note");
  await browser.$(sel("start-encounter")).click();
  await waitText("encounter-form", (t) => t.includes("Operative note") && t.includes("Blood loss"), "render the operative note");
  await type("field-procedure", procedure);
  await type("note-assessment", assessment);
  await waitText("save-state", (t) => t === "All changes saved", "save the note as typed");

  // ---- Sign: username and password (first signing of the session). -------------------------
  await browser.$(sel("sign-encounter")).click();
  await waitText("signing-as", (t) => t.includes("E2E Surgeon"), "open the signing dialog as the surgeon");
  if (!(await browser.$(sel("sign-username")).isExisting())) throw new Error("the first signing of the session did not ask for the username");
  await browser.$(sel("meaning-authorship")).click();
  await type("sign-username", "surgeon.e2e");
  await type("sign-password", "not my password");
  await browser.$(sel("sign-submit")).click();
  await waitText("sign-password-error", (t) => t.includes("2 attempts left"), "say how many attempts remain");
  await shot("signing-wrong-password", { screen: true });
  await type("sign-password", password);
  await browser.$(sel("sign-submit")).click();
  await waitText("locked-badge", (t) => t === "Signed and locked", "lock the signed note", 30_000);
  const manifest = await waitText("signature-manifest", (t) => t.includes("E2E Surgeon"), "show the manifest");
  for (const [what, ok] of [
    ["printed name", manifest.includes("E2E Surgeon")],
    ["meaning", manifest.includes("Authorship")],
    ["date-time with zone", /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC([+-]\d\d:\d\d)?/.test(manifest)],
    ["content SHA-256", /SHA-256 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}/.test(manifest)],
  ]) {
    if (!ok) throw new Error(`the manifest "${manifest}" does not show the ${what}`);
  }
  const encounterId = await browser.$(sel("locked-encounter")).getAttribute("data-encounter-id");
  writeFileSync(join(work, "signed.json"), JSON.stringify({ encounter_id: encounterId, patient_name: name }));
  await shot("signing-signed-manifest", { screen: true });

  // ---- Locked: nothing to type into, and typed keys store nothing. -------------------------
  const before = await signedText();
  if (!before.includes(procedure) || !before.includes(assessment)) throw new Error(`the signed version shows "${before}"`);
  const editables = await editablesInSignedVersion();
  if (editables !== 0) throw new Error(`the locked note still has ${editables} editable elements`);
  for (const gone of ["note-assessment", "field-procedure", "save-state"]) {
    if (await browser.$(sel(gone)).isExisting()) throw new Error(`the locked note still shows ${gone}`);
  }
  await browser.$(sel("signed-note-assessment")).click();
  await browser.keys([..." EDITED", "Enter"]);
  await browser.$(sel("signed-procedure")).click();
  await browser.keys(["Backspace", "Backspace", "x"]);
  if ((await signedText()) !== before) throw new Error("typing at the locked note changed what it shows");
  // Reopened from the list, the stored encounter is the signed one, with no addendum.
  await browser.$(sel("close-encounter")).click();
  await waitText("encounter-row", (t) => t.includes("surgery") && t.includes("signed"), "list the encounter as signed");
  await browser.$(`${sel("encounter-row")} button`).click();
  await waitText("locked-badge", (t) => t === "Signed and locked", "reopen it locked");
  if ((await signedText()) !== before) throw new Error(`after typing, the stored note reads "${await signedText()}"`);
  await waitText("no-addenda", (t) => t === "No addenda.", "show no addendum");
  await shot("signing-locked-reopened", { screen: true });

  // ---- Amend with a reason; signed with the password only. ----------------------------------
  await browser.$(sel("add-amendment")).click();
  await type("field-blood_loss", "150");
  await browser.$(sel("amendment-sign")).click();
  await waitText("amendment-reason-error", (t) => t.includes("Say why"), "require a reason");
  await type("amendment-reason", reason);
  await browser.$(sel("amendment-sign")).click();
  await waitText("signing-as", (t) => t.includes("E2E Surgeon"), "open the signing dialog for the amendment");
  if (await browser.$(sel("sign-username")).isExisting()) throw new Error("the second signing of the session asked for the username again");
  await type("sign-password", password);
  await shot("signing-amendment-dialog", { screen: true });
  await browser.$(sel("sign-submit")).click();
  await browser.waitUntil(async () => (await browser.$$(sel("signature-manifest"))).length === 2, {
    timeout: 30_000,
    timeoutMsg: "the amendment's signature is not listed",
  });
  const second = await (await browser.$$(sel("signature-manifest")))[1].getText();
  if (!second.includes(`Reason: “${reason}”`) && !second.includes(reason)) throw new Error(`the amendment's manifest reads "${second}"`);
  await waitText("addendum", (t) => t.includes("surgeon.e2e") && t.includes("amendment after signature") && t.includes("signed"), "list the amendment");
  // The original stays as signed; the amendment is shown beside it.
  if ((await signedText()) !== before) throw new Error("the amendment changed the signed version shown");
  await waitText("locked-status", (t) => t === "amended", "show the encounter as amended");
  await browser.$(`${sel("current-version")} summary`).click();
  await waitText("current-blood_loss", (t) => t === "150 ml", "show the amended blood loss");
  await shot("signing-amended", { screen: true });
  await waitAllSynced("send the note and both signatures");
  log(`encounter ${encounterId} signed and amended`);
  await signOut();
});
