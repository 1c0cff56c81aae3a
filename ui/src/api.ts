// Why: the one place that names the shell's commands and their argument shapes, so the
// components call typed functions and never spell a command name or payload twice.
// Everything goes through `invoke` from @tauri-apps/api/core (no global Tauri object).
// A command refused because nobody is signed in any more (the shell's own idle logoff)
// tells the window, which drops every screen and shows the sign-in form.
import { invoke as tauriInvoke, type InvokeArgs } from "@tauri-apps/api/core";
import { asCommandError } from "./logic/commandError";
import type { AllergyInput } from "./bindings/AllergyInput";
import type { AmendmentInput } from "./bindings/AmendmentInput";
import type { AppInfo } from "./bindings/AppInfo";
import type { ConflictItem } from "./bindings/ConflictItem";
import type { ContactDetails } from "./bindings/ContactDetails";
import type { DemographicsUpdate } from "./bindings/DemographicsUpdate";
import type { DocId } from "./bindings/DocId";
import type { EncounterProjection } from "./bindings/EncounterProjection";
import type { EncounterView } from "./bindings/EncounterView";
import type { FieldValue } from "./bindings/FieldValue";
import type { FieldError } from "./bindings/FieldError";
import type { HandoverProjection } from "./bindings/HandoverProjection";
import type { LibrarySection } from "./bindings/LibrarySection";
import type { LockedEncounter } from "./bindings/LockedEncounter";
import type { MedicationInput } from "./bindings/MedicationInput";
import type { NewHandover } from "./bindings/NewHandover";
import type { NewHandoverItem } from "./bindings/NewHandoverItem";
import type { NewPatient } from "./bindings/NewPatient";
import type { NewVitals } from "./bindings/NewVitals";
import type { NoteKind } from "./bindings/NoteKind";
import type { OpenEncounterInput } from "./bindings/OpenEncounterInput";
import type { Patient } from "./bindings/Patient";
import type { PatientDetails } from "./bindings/PatientDetails";
import type { PatientSearchPage } from "./bindings/PatientSearchPage";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { ProblemInput } from "./bindings/ProblemInput";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SignatureMeaning } from "./bindings/SignatureMeaning";
import type { SignatureView } from "./bindings/SignatureView";
import type { SigningPrompt } from "./bindings/SigningPrompt";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { TemplateChoice } from "./bindings/TemplateChoice";
import type { TemplateContent } from "./bindings/TemplateContent";
import type { TemplateEdit } from "./bindings/TemplateEdit";
import type { TemplateProjection } from "./bindings/TemplateProjection";
import type { TemplateSection } from "./bindings/TemplateSection";
import type { GlassAccess } from "./bindings/GlassAccess";
import type { AlertView } from "./bindings/AlertView";
import type { VitalRange } from "./bindings/VitalRange";
import type { VitalsProjection } from "./bindings/VitalsProjection";
import type { VersionUsage } from "./bindings/VersionUsage";
import type { VitalsSet } from "./bindings/VitalsSet";

type Entry = string | null;

let signedOutListener: ((message: string) => void) | null = null;

/** Called with the shell's message whenever a command is refused for want of a sign-in. */
export function onSignedOut(listener: ((message: string) => void) | null): void {
  signedOutListener = listener;
}

async function invoke<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await tauriInvoke<T>(cmd, args);
  } catch (e) {
    const ce = asCommandError(e);
    if (ce.signed_out) signedOutListener?.(ce.message);
    throw e;
  }
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  status: () => invoke<SyncStatus>("status"),
  // session
  signIn: (username: string, password: string) => invoke<SessionInfo>("sign_in", { username, password }),
  signOut: () => invoke<null>("sign_out"),
  currentUser: () => invoke<SessionInfo | null>("current_user"),
  reportActivity: () => invoke<null>("report_activity"),
  // patients
  listPatients: () => invoke<PatientSummary[]>("list_patients"),
  searchPatients: (query: string, limit: number) =>
    invoke<PatientSearchPage>("search_patients", { query, limit }),
  registerPatient: (input: NewPatient, contact: ContactDetails | null = null) =>
    invoke<Patient>("register_patient", contact ? { input, contact } : { input }),
  patientDetails: (patientId: DocId) => invoke<PatientDetails>("patient_details", { patientId }),
  breakTheGlass: (patientId: DocId, reason: string) => invoke<GlassAccess>("break_the_glass", { patientId, reason }),
  adminAlerts: (password: string) => invoke<AlertView[]>("admin_alerts_list", { password }),
  editDemographics: (patientId: DocId, update: DemographicsUpdate) =>
    invoke<PatientDetails>("edit_demographics", { patientId, update }),
  saveAllergy: (patientId: DocId, entryId: Entry, input: AllergyInput) =>
    invoke<PatientDetails>("save_allergy", { patientId, entryId, input }),
  refuteAllergy: (patientId: DocId, entryId: string) =>
    invoke<PatientDetails>("refute_allergy", { patientId, entryId }),
  saveMedication: (patientId: DocId, entryId: Entry, input: MedicationInput) =>
    invoke<PatientDetails>("save_medication", { patientId, entryId, input }),
  stopMedication: (patientId: DocId, entryId: string, stop: string) =>
    invoke<PatientDetails>("stop_medication", { patientId, entryId, stop }),
  saveProblem: (patientId: DocId, entryId: Entry, input: ProblemInput) =>
    invoke<PatientDetails>("save_problem", { patientId, entryId, input }),
  // vitals
  vitalRanges: () => invoke<VitalRange[]>("vital_ranges"),
  recordVitals: (input: NewVitals) => invoke<VitalsSet>("record_vitals", { input }),
  listVitals: (patientId: DocId) => invoke<VitalsSet[]>("list_vitals", { patientId }),
  vitalsHistory: (patientId: DocId) => invoke<VitalsProjection[]>("vitals_history", { patientId }),
  markVitalsInError: (vitalsId: DocId, reason: string) =>
    invoke<VitalsProjection>("mark_vitals_entered_in_error", { vitalsId, reason }),
  // encounters
  listTemplateChoices: () => invoke<TemplateChoice[]>("list_template_choices"),
  openEncounter: (input: OpenEncounterInput) => invoke<EncounterView>("open_encounter", { input }),
  encounterView: (encounterId: DocId) => invoke<EncounterView>("encounter_view", { encounterId }),
  listEncounters: (patientId: DocId) => invoke<EncounterProjection[]>("list_encounters", { patientId }),
  setEncounterFields: (encounterId: DocId, values: Record<string, FieldValue>) =>
    invoke<EncounterProjection>("set_encounter_fields", { encounterId, values }),
  editEncounterNote: (encounterId: DocId, which: NoteKind, text: string) =>
    invoke<EncounterProjection>("edit_encounter_note", { encounterId, which, text }),
  // signing (the username only on the first signing of a session)
  signingPrompt: () => invoke<SigningPrompt>("signing_prompt"),
  signEncounter: (encounterId: DocId, meaning: SignatureMeaning, password: string, username: string | null) =>
    invoke<LockedEncounter>("sign_encounter", { encounterId, meaning, password, username }),
  amendEncounter: (encounterId: DocId, amendment: AmendmentInput, password: string, username: string | null) =>
    invoke<LockedEncounter>("amend_encounter", { encounterId, amendment, password, username }),
  encounterSignatures: (encounterId: DocId) => invoke<SignatureView[]>("encounter_signatures", { encounterId }),
  lockedEncounter: (encounterId: DocId) => invoke<LockedEncounter | null>("locked_encounter", { encounterId }),
  // template designer (admins)
  listTemplates: () => invoke<TemplateProjection[]>("list_templates"),
  templateUsage: (templateId: DocId) => invoke<VersionUsage[]>("template_usage", { templateId }),
  createTemplate: (content: TemplateContent) => invoke<TemplateProjection>("create_template", { content }),
  editTemplate: (templateId: DocId, edits: TemplateEdit[]) =>
    invoke<TemplateProjection>("edit_template", { templateId, edits }),
  publishProblems: (templateId: DocId) => invoke<FieldError[]>("template_publish_problems", { templateId }),
  publishTemplate: (templateId: DocId) => invoke<number>("publish_template", { templateId }),
  templateVersion: (templateId: DocId, number: number) =>
    invoke<TemplateContent>("template_version", { templateId, number }),
  exportTemplate: (templateId: DocId, version: number | null) =>
    invoke<string>("export_template", { templateId, version }),
  importTemplate: (file: string) => invoke<TemplateProjection>("import_template", { file }),
  sectionLibrary: () => invoke<LibrarySection[]>("section_library"),
  saveLibrarySection: (section: TemplateSection, description: string) =>
    invoke<LibrarySection>("save_library_section", { section, description }),
  withdrawLibrarySection: (id: DocId) => invoke<null>("withdraw_library_section", { id }),
  // handovers
  listHandovers: (ward: string | null) => invoke<HandoverProjection[]>("list_handovers", { ward }),
  openHandover: (input: NewHandover) => invoke<HandoverProjection>("open_handover", { input }),
  addHandoverItem: (handoverId: DocId, item: NewHandoverItem) =>
    invoke<HandoverProjection>("add_handover_item", { handoverId, item }),
  acknowledgeHandoverItem: (handoverId: DocId, itemId: string) =>
    invoke<HandoverProjection>("acknowledge_handover_item", { handoverId, itemId }),
  // conflicts
  listConflicts: () => invoke<ConflictItem[]>("list_conflicts"),
  resolveConflict: (docId: DocId, path: string, chosen: unknown) =>
    invoke<null>("resolve_conflict", { docId, path, chosen }),
};
