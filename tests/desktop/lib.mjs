// Why: what the desktop scenarios share: starting the real app on one workstation's data
// directory through tauri-driver, waiting on visible text (so a blank window fails),
// typing, signing in and out, screenshots, and the sync server switch run.sh provides.
// Each scenario file imports these; run.sh owns the server, Postgres and the keyring.
import { execFileSync } from "node:child_process";
import { mkdirSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { remote } from "webdriverio";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run tests/desktop/run.sh instead of this file`);
  return v;
};
export const driverPort = Number(env("TAURI_DRIVER_PORT"));
export const app = env("OUTPOST_APP");
export const clinicName = env("E2E_CLINIC_NAME");
export const serverCtl = env("E2E_SERVER_CTL");
export const artifacts = env("E2E_ARTIFACTS");
export const work = env("E2E_WORK");
export const ws1 = env("E2E_WS1");
export const ws2 = env("E2E_WS2");
export const password = env("E2E_PASSWORD");
export const IDLE_SECONDS = 8;
mkdirSync(artifacts, { recursive: true });

export const SYNC_TIMEOUT_MS = 90_000;
export const UI_TIMEOUT_MS = 15_000;
export const sel = (testid) => `[data-testid="${testid}"]`;
let step = 0;
/** The current WebDriver session (a live binding for importers). */
export let browser = null;

export function log(msg) {
  console.log(`[scenario ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** Starts the app on one workstation's data directory (a new WebDriver session). */
export async function launch(dataDir, extraArgs = []) {
  log(`launching the app on ${basename(dataDir)} ${extraArgs.join(" ")}`);
  browser = await remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    connectionRetryCount: 2,
    capabilities: {
      "tauri:options": { application: app, args: ["--data-dir", dataDir, ...extraArgs] },
      // WebKitWebDriver speaks classic W3C WebDriver; do not ask for a BiDi socket.
      "wdio:enforceWebDriverClassic": true,
    },
  });
  await waitText("clinic-name", (t) => t === clinicName, `show the clinic "${clinicName}"`, 30_000);
}

export async function closeApp() {
  if (browser) await browser.deleteSession().catch(() => {});
  browser = null;
}

export async function shot(name, { screen = false } = {}) {
  step += 1;
  const base = `${String(step).padStart(2, "0")}-${name}`;
  await browser.saveScreenshot(join(artifacts, `${base}.png`));
  if (screen) {
    // The whole Xvfb screen, independent of WebDriver: shows what a person would see.
    execFileSync("import", ["-window", "root", join(artifacts, `${base}-screen.png`)]);
  }
  log(`screenshot ${base}`);
}

/** Waits until `check(text of testid)` is true; fails with what was last seen. */
export async function waitText(testid, check, what, timeout = UI_TIMEOUT_MS) {
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
  log(`${testid}: "${last.slice(0, 160)}"`);
  return last;
}

export async function type(target, value) {
  const el = await browser.$(target.startsWith("#") ? target : sel(target));
  await el.click();
  await el.addValue(value);
  const got = await el.getValue();
  if (got !== value) throw new Error(`typed "${value}" into ${target} but it holds "${got}"`);
}

/**
 * Date inputs are edited segment by segment in WebKit, so key events depend on the locale;
 * set the value through the input's native setter and fire the `input` event React
 * listens to (what the date picker does).
 */
export async function setDate(testid, iso) {
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
}

export async function rowOf(name) {
  for (const row of await browser.$$(sel("patient-row"))) {
    if ((await row.$(sel("patient-row-name")).getText()).trim() === name) return row;
  }
  return null;
}

export async function openChart(name) {
  await browser.$(sel("nav-patients")).click();
  await browser.waitUntil(async () => (await rowOf(name)) !== null, {
    timeout: SYNC_TIMEOUT_MS,
    timeoutMsg: `the patient list never showed ${name}`,
  });
  await (await rowOf(name)).$(sel("patient-row-name")).click();
  await waitText("selected-patient", (t) => t.includes(name), "open the chart");
}

/**
 * Opens template `name` in the designer. The template list re-renders when a sync lands,
 * which can swallow a click (the designer scenario once failed with the list still
 * showing "Choose a template"), so it clicks again until the designer is open.
 */
export async function openTemplate(name) {
  await browser.$(sel("nav-templates")).click();
  try {
    await browser.waitUntil(
      async () => {
        if (await browser.$(sel("designer")).isExisting()) return true;
        const button = await browser.$(sel(`template-${name}`));
        if (await button.isExisting()) await button.click().catch(() => {});
        return false;
      },
      { timeout: SYNC_TIMEOUT_MS, interval: 500 },
    );
  } catch {
    throw new Error(`the designer never opened template ${name}`);
  }
  log(`opened template ${name}`);
}

export async function bodyText() {
  return browser.$("body").getText();
}

export async function signIn(username, { offline = false, retry = false } = {}) {
  await waitText("sign-in-form", (t) => t.includes("Sign in"), "show the sign-in screen");
  // After a refusal the username stays and the password field is empty and focused.
  if (!retry) await type("sign-in-username", username);
  await type("sign-in-password", password);
  // Enter in the password field submits the form.
  await browser.keys(["Enter"]);
  const who = await waitText("signed-in-user", (t) => t.length > 0, `sign ${username} in`, 30_000);
  if (offline !== who.includes("offline sign-in")) {
    throw new Error(`${username} signed in ${who.includes("offline") ? "offline" : "online"}, expected the other`);
  }
  return who;
}

export async function signOut() {
  await browser.$(sel("sign-out")).click();
  await waitText("sign-in-form", (t) => t.includes("Sign in"), "return to the sign-in screen");
}

export const badgeOnlineSynced = (t) => /^Online · synced \d\d:\d\d$/.test(t);
export const waitingCount = (t) => {
  const m = /(\d+) waiting/.exec(t);
  return m ? Number(m[1]) : 0;
};

export async function waitAllSynced(what) {
  await waitText("sync-badge", badgeOnlineSynced, what, SYNC_TIMEOUT_MS);
  await browser.waitUntil(async () => (await browser.$(sel("sync-badge")).getAttribute("data-pending")) === "0", {
    timeout: SYNC_TIMEOUT_MS,
    timeoutMsg: `changes still wait to go out (${what})`,
  });
}

export function serverCtlRun(action) {
  log(`sync server: ${action}`);
  execFileSync(serverCtl, ["server", action], { stdio: "inherit" });
}

/** The PID of the app started on `dataDir` (its command line names the directory). */
export function appPid(dataDir) {
  const out = execFileSync("pgrep", ["-f", "--", `--data-dir ${dataDir}`], { encoding: "utf8" });
  const pids = out
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((pid) => {
      try {
        return basename(readlinkSync(`/proc/${pid}/exe`)) === basename(app);
      } catch {
        return false;
      }
    });
  if (pids.length !== 1) throw new Error(`expected one app process on ${dataDir}, found [${pids.join(", ")}]`);
  return Number(pids[0]);
}


/**
 * Runs a scenario's body; on failure saves the window and the whole screen (named after
 * `label`) and prints the window's text, then always closes the app and exits the process
 * with the scenario's status.
 */
export async function runScenario(label, body) {
  let failed = false;
  try {
    await body();
    log(`${label} scenario passed`);
  } catch (e) {
    failed = true;
    console.error(`[${label}] FAILED: ${e instanceof Error ? e.stack : e}`);
    try {
      if (browser) {
        await browser.saveScreenshot(join(artifacts, `${label}-failure.png`));
        console.error(`[${label}] window text at failure:\n${await bodyText()}`);
      }
      execFileSync("import", ["-window", "root", join(artifacts, `${label}-failure-screen.png`)]);
    } catch (inner) {
      console.error(`[${label}] could not capture the failure: ${inner}`);
    }
  } finally {
    await closeApp();
  }
  process.exit(failed ? 1 : 0);
}
