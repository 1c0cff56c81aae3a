// Why: proves the real desktop app works end to end for a nurse: the window renders real
// data from the encrypted replica, validation errors appear next to the field, and the
// sync badge tells the truth when the server goes away and comes back. Driven through
// tauri-driver + WebKitWebDriver; started by run.sh, which owns the server, Postgres and
// the keyring. Every assertion reads visible text, so a blank window fails.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { remote } from "webdriverio";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run tests/desktop/run.sh instead of this file`);
  return v;
};
const driverPort = Number(env("TAURI_DRIVER_PORT"));
const app = env("OUTPOST_APP");
const clinicName = env("E2E_CLINIC_NAME");
const serverCtl = env("E2E_SERVER_CTL");
const artifacts = env("E2E_ARTIFACTS");
const work = env("E2E_WORK");
const user = env("OUTPOST_USER");
mkdirSync(artifacts, { recursive: true });

const SYNC_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 15_000;
const sel = (testid) => `[data-testid="${testid}"]`;
let step = 0;

function log(msg) {
  console.log(`[scenario ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

const browser = await remote({
  hostname: "127.0.0.1",
  port: driverPort,
  logLevel: "warn",
  connectionRetryCount: 2,
  capabilities: {
    "tauri:options": { application: app },
    // WebKitWebDriver speaks classic W3C WebDriver; do not ask for a BiDi socket.
    "wdio:enforceWebDriverClassic": true,
  },
});

async function shot(name, { screen = false } = {}) {
  step += 1;
  const base = `${String(step).padStart(2, "0")}-${name}`;
  await browser.saveScreenshot(join(artifacts, `${base}.png`));
  if (screen) {
    // The whole Xvfb screen, independent of WebDriver: shows what a person would see.
    execFileSync("import", ["-window", "root", join(artifacts, `${base}-screen.png`)]);
  }
  log(`screenshot ${base}`);
}

async function text(testid) {
  return (await browser.$(sel(testid)).getText()).trim();
}

/** Waits until `check(text of testid)` is true; fails with what was last seen. */
async function waitText(testid, check, what, timeout = UI_TIMEOUT_MS) {
  let last = "(element not found)";
  try {
    await browser.waitUntil(
      async () => {
        const el = await browser.$(sel(testid));
        if (!(await el.isExisting())) return false;
        last = (await el.getText()).trim();
        return check(last);
      },
      { timeout, interval: 250 },
    );
  } catch {
    throw new Error(`waited ${timeout / 1000}s for ${testid} to ${what}; last saw "${last}"`);
  }
  log(`${testid}: "${last}"`);
  return last;
}

async function type(testid, value) {
  const el = await browser.$(sel(testid));
  await el.click();
  await el.addValue(value);
  const got = await el.getValue();
  if (got !== value) throw new Error(`typed "${value}" into ${testid} but it holds "${got}"`);
}

/** Empties a controlled input the way a person does: select all, delete. */
async function clear(testid) {
  const el = await browser.$(sel(testid));
  await el.click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  const got = await el.getValue();
  if (got !== "") throw new Error(`could not clear ${testid}; it holds "${got}"`);
}

/**
 * Date inputs are edited segment by segment in WebKit, so key events depend on the locale;
 * set the value through the input's native setter and fire the `input` event React
 * listens to (what the date picker does).
 */
async function setDate(testid, iso) {
  await browser.execute(
    (s, v) => {
      const input = document.querySelector(s);
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      setter.call(input, v);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    },
    sel(testid),
    iso,
  );
  const got = await browser.$(sel(testid)).getValue();
  if (got !== iso) throw new Error(`date input ${testid} holds "${got}", wanted ${iso}`);
}

async function rowOf(name) {
  const rows = await browser.$$(sel("patient-row"));
  for (const row of rows) {
    if ((await row.$(sel("patient-row-name")).getText()).trim() === name) return row;
  }
  return null;
}

async function waitRow(name, check, what, timeout = UI_TIMEOUT_MS) {
  let last = "(no row)";
  try {
    await browser.waitUntil(
      async () => {
        const row = await rowOf(name);
        if (!row) return false;
        // Cell by cell: WebKit's element text of a table row runs the cells together.
        const cells = [];
        for (const cell of await row.$$("td")) cells.push((await cell.getText()).trim());
        last = cells.join(" | ");
        return check(last, row);
      },
      { timeout, interval: 250 },
    );
  } catch {
    throw new Error(`waited ${timeout / 1000}s for the row of ${name} to ${what}; last saw "${last}"`);
  }
  log(`row: "${last}"`);
  return last;
}

const badgeOnlineSynced = (t) => /^Online · synced \d\d:\d\d$/.test(t);
const waitingCount = (t) => {
  const m = /(\d+) waiting/.exec(t);
  return m ? Number(m[1]) : null;
};

function serverCtlRun(action) {
  log(`sync server: ${action}`);
  execFileSync(serverCtl, ["server", action], { stdio: "inherit" });
}

let failed = false;
try {
  // 1. The window shows the clinic and goes online.
  await waitText("clinic-name", (t) => t === clinicName, `show the clinic "${clinicName}"`, 30_000);
  await waitText("sync-badge", badgeOnlineSynced, "show Online · synced HH:MM", SYNC_TIMEOUT_MS);
  await waitText("patient-list-empty", (t) => t.includes("No patients"), "say there are no patients");
  await shot("online", { screen: true });

  // 2. Register a patient and see them in the list.
  const suffix = Date.now().toString(36).toUpperCase();
  const name = `Sentinel Okafor ${suffix}`;
  const mrn = `E2E-${suffix}`;
  await type("patient-name", name);
  await setDate("patient-dob", "1984-03-07");
  await browser.$(sel("patient-sex")).selectByAttribute("value", "female");
  await type("patient-mrn", mrn);
  await browser.$(sel("register-submit")).click();
  await waitText("register-message", (t) => t === `Registered ${name}`, "confirm the registration");
  await waitRow(
    name,
    (t) => t === `${name} | 1984-03-07 | F | ${mrn} | no vitals yet`,
    "show DOB, sex, MRN and no vitals",
  );
  await shot("registered");
  // run.sh checks afterwards, from a second workstation, that this patient reached the server.
  writeFileSync(join(work, "sentinel.json"), JSON.stringify({ name, mrn }));

  // 3. Record vitals; the list row shows them as the latest.
  await (await rowOf(name)).$(sel("patient-row-name")).click();
  await waitText("selected-patient", (t) => t.includes(name) && t.includes(mrn), "show the selected patient");
  const vitals = {
    "vitals-temperature_c": "36.8",
    "vitals-systolic_mmhg": "120",
    "vitals-diastolic_mmhg": "80",
    "vitals-heart_rate_per_min": "72",
    "vitals-respiratory_rate_per_min": "14",
    "vitals-spo2_percent": "98",
    "vitals-weight_kg": "70.5",
  };
  for (const [id, v] of Object.entries(vitals)) await type(id, v);
  await browser.$(sel("vitals-submit")).click();
  await waitText("vitals-message", (t) => t === "Vitals saved", "confirm the vitals");
  const firstSummary = "T 36.8 °C · BP 120/80 · HR 72 · RR 14 · SpO₂ 98 % · Wt 70.5 kg";
  await waitRow(name, (t) => t.endsWith(`| ${firstSummary}`), `show "${firstSummary}"`);
  await waitText("vitals-history", (t) => t.includes(firstSummary) && t.includes(`by ${user}`), "list the set");
  await shot("vitals-recorded");

  // 4. An impossible temperature is refused next to the temperature field.
  await type("vitals-temperature_c", "47");
  await browser.$(sel("vitals-submit")).click();
  await waitText(
    "error-temperature_c",
    (t) => t.includes("between 30 and 45") && t.includes("47"),
    "explain the temperature range",
  );
  const errorField = await browser.execute(
    (s) => document.querySelector(s)?.closest("[data-field]")?.getAttribute("data-field") ?? null,
    sel("error-temperature_c"),
  );
  if (errorField !== "temperature_c") throw new Error(`the temperature error sits in field ${errorField}`);
  await shot("temperature-error");
  await clear("vitals-temperature_c");

  // 4b. The chart banner shows allergies as soon as one is added; the other screens render.
  await waitText("banner-allergies", (t) => t === "Allergies: none recorded", "say no allergies are recorded");
  await browser.$(sel("tab-lists")).click();
  await browser.$(sel("allergies-add")).click();
  await type("allergies-form-allergen", "Penicillin");
  await browser.$(`${sel("allergies-form")} button[type="submit"]`).click();
  await waitText("banner-allergies", (t) => t === "Allergies: Penicillin", "show the new allergy in the banner");
  await shot("allergy-in-banner", { screen: true });

  // 4c. Chart an encounter on the published template: the systolic BP is pre-filled from
  // the vitals, an impossible value is refused at the field, a valid one and a note are
  // saved without any button, and both are there when the encounter is opened again.
  await browser.$(sel("tab-encounters")).click();
  await waitText("template-chooser", (t) => t.includes("Cardiology intake"), "offer the published template");
  await browser.$(sel("start-encounter")).click();
  await waitText("encounter-form", (t) => t.includes("Cardiology intake") && t.includes("Systolic BP"), "render the form");
  const bp = await browser.$(sel("field-bp_sys"));
  if ((await bp.getValue()) !== "120") throw new Error(`systolic BP pre-filled with "${await bp.getValue()}", wanted 120`);
  await waitText("autofilled-bp_sys", (t) => t.includes("Auto-filled"), "mark the pre-filled value");
  await clear("field-bp_sys");
  await type("field-bp_sys", "300");
  await waitText("error-bp_sys", (t) => t.includes("between 50 and 250 mmHg") && t.includes("300"), "refuse 300 mmHg");
  await shot("encounter-range-error");
  await clear("field-bp_sys");
  await type("field-bp_sys", "132");
  await type("note-plan", "Echo in two weeks");
  await waitText("save-state", (t) => t === "All changes saved", "save without a button");
  await shot("encounter-saved", { screen: true });
  await browser.$(sel("close-encounter")).click();
  await waitText("encounter-row", (t) => t.includes("cardiology"), "list the encounter");
  await browser.$(`${sel("encounter-row")} button`).click();
  await waitText("encounter-form", (t) => t.includes("Systolic BP"), "reopen the encounter");
  const saved = await browser.$(sel("field-bp_sys")).getValue();
  const plan = await browser.$(sel("note-plan")).getValue();
  if (saved !== "132" || plan !== "Echo in two weeks") {
    throw new Error(`reopened encounter holds BP "${saved}" and plan "${plan}"`);
  }
  log("encounter reopened with what was typed");

  await browser.$(sel("nav-conflicts")).click();
  await waitText("conflicts-empty", (t) => t === "No open conflicts.", "show an empty conflicts inbox");
  await browser.$(sel("nav-handovers")).click();
  await waitText("unacknowledged", (t) => t.includes("Not yet acknowledged"), "show the handover screen");
  await shot("handovers");
  await browser.$(sel("nav-patients")).click();
  await waitRow(name, (t) => t.startsWith(name), "list the patient again");
  await (await rowOf(name)).$(sel("patient-row-name")).click();
  await waitText("selected-patient", (t) => t.includes(name), "reopen the chart");

  // 5. Everything has reached the server; then the server goes away.
  await waitText("sync-badge", badgeOnlineSynced, "show everything synced", SYNC_TIMEOUT_MS);
  serverCtlRun("stop");
  const offline = await waitText("sync-badge", (t) => t.startsWith("Offline · "), "show Offline", SYNC_TIMEOUT_MS);
  const before = waitingCount(offline);
  await shot("offline");

  // 6. Charting goes on offline; the badge counts what waits.
  await type("vitals-temperature_c", "37.9");
  await type("vitals-heart_rate_per_min", "88");
  await browser.$(sel("vitals-submit")).click();
  await waitRow(name, (t) => t.endsWith("| T 37.9 °C · HR 88"), "show the offline vitals as latest");
  const waiting = await waitText(
    "sync-badge",
    (t) => t.startsWith("Offline · ") && (waitingCount(t) ?? 0) > (before ?? 0),
    `count more than ${before} waiting`,
  );
  log(`waiting went from ${before} to ${waitingCount(waiting)}`);
  const historyRows = await browser.$$(sel("vitals-history-row"));
  if (historyRows.length !== 2) throw new Error(`history shows ${historyRows.length} sets, wanted 2`);
  await shot("offline-recorded", { screen: true });

  // 7. The server comes back on the same address; the waiting changes go out.
  serverCtlRun("start");
  await waitText("sync-badge", badgeOnlineSynced, "show Online · synced again", SYNC_TIMEOUT_MS);
  const pending = await browser.$(sel("sync-badge")).getAttribute("data-pending");
  if (pending !== "0") throw new Error(`badge says online but ${pending} changes wait`);
  await shot("back-online", { screen: true });
  log("scenario passed");
} catch (e) {
  failed = true;
  console.error(`[scenario] FAILED: ${e instanceof Error ? e.stack : e}`);
  try {
    await browser.saveScreenshot(join(artifacts, "failure.png"));
    execFileSync("import", ["-window", "root", join(artifacts, "failure-screen.png")]);
    const body = await browser.$("body").getText();
    console.error(`[scenario] window text at failure:\n${body}`);
  } catch (inner) {
    console.error(`[scenario] could not capture the failure: ${inner}`);
  }
} finally {
  await browser.deleteSession().catch(() => {});
}
process.exit(failed ? 1 : 0);
