// Desktop e2e of break-the-glass (issue 7): run.sh has restricted the patient the surgeon
// charted in signing.mjs. A doctor who is not that patient's provider signs in on
// workstation 1: the patient list shows the patient marked restricted, without vitals;
// opening the chart shows the restricted-record panel instead of the chart;
// without a reason nothing opens; with one the chart opens with a notice of until when.
// An admin then opens Alerts on the same workstation, types their password again, and
// sees the access with who and why; run.sh also checks the server's own listing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { browser, closeApp, launch, password, rowOf, runScenario, sel, shot, signIn, signOut, waitAllSynced, waitText, type, work, ws1 } from "./lib.mjs";

const { patient_name: name } = JSON.parse(readFileSync(join(work, "signed.json"), "utf8"));
const reason = "Collapsed in the waiting room; surgeon unreachable";

await runScenario("glass", async () => {
  await launch(ws1);
  await signIn("dr.e2e");
  await waitAllSynced("learn which patients are restricted");
  await browser.$(sel("nav-patients")).click();
  await browser.waitUntil(async () => (await rowOf(name)) !== null, { timeout: 30_000, timeoutMsg: `the patient list never showed ${name}` });
  // Listed, so it can be found, but without the chart's vitals and allergens.
  await browser.waitUntil(async () => {
    const row = await rowOf(name);
    return row !== null && (await row.$(sel("patient-row-vitals")).getText()).includes("restricted chart");
  }, { timeout: 30_000, timeoutMsg: `the patient list showed the restricted chart's vitals for ${name}` });
  await shot("glass-listed", { screen: true });
  await (await rowOf(name)).$(sel("patient-row-name")).click();
  const panel = await waitText("break-the-glass", (t) => t.includes("Restricted record") && t.includes("give a reason"), "ask for a reason instead of opening the chart");
  if ((await browser.$(sel("selected-patient")).isExisting())) throw new Error(`the restricted chart opened without a reason: ${panel}`);
  await browser.$(sel("glass-open")).click();
  await waitText("glass-error", (t) => t.includes("reason"), "refuse to open without a reason");
  if ((await browser.$(sel("selected-patient")).isExisting())) throw new Error("the chart opened without a reason");
  await shot("glass-restricted", { screen: true });
  await type("glass-reason", reason);
  await browser.$(sel("glass-open")).click();
  await waitText("selected-patient", (t) => t.includes(name), "open the chart after breaking the glass");
  await waitText("glass-access", (t) => t.startsWith("Emergency access until"), "say until when the access lasts");
  await shot("glass-opened", { screen: true });
  await waitAllSynced("report the access to the server");
  await signOut();

  // ---- An admin sees the alert in the window. -----------------------------------------------
  await signIn("admin.e2e");
  await browser.$(sel("nav-alerts")).click();
  await type("alerts-password", password);
  await browser.$(sel("alerts-load")).click();
  await waitText("alerts-table", (t) => t.includes("dr.e2e") && t.includes("Broke the glass") && t.includes(reason) && t.includes(name), "list the break-the-glass alert with the patient and the reason", 30_000);
  await shot("glass-alert-for-admin", { screen: true });
  await signOut();
  await closeApp();
});
