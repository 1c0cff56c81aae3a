// Why: the one place that names the shell's commands and their argument shapes, so the
// components call typed functions and never spell a command name or payload twice.
// Everything goes through `invoke` from @tauri-apps/api/core (no global Tauri object).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { DocId } from "./bindings/DocId";
import type { NewPatient } from "./bindings/NewPatient";
import type { NewVitals } from "./bindings/NewVitals";
import type { Patient } from "./bindings/Patient";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { VitalsSet } from "./bindings/VitalsSet";

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  status: () => invoke<SyncStatus>("status"),
  listPatients: () => invoke<PatientSummary[]>("list_patients"),
  registerPatient: (input: NewPatient) => invoke<Patient>("register_patient", { input }),
  recordVitals: (input: NewVitals) => invoke<VitalsSet>("record_vitals", { input }),
  listVitals: (patientId: DocId) => invoke<VitalsSet[]>("list_vitals", { patientId }),
};
