// Why: the sync badge is the clinician's only sign of whether their work has left this
// workstation. Its words and colour are decided here, as a pure function of SyncStatus,
// so every state is tested and the component only renders.
import type { SyncStatus } from "../bindings/SyncStatus";
import { clockTime } from "./time";

export type BadgeTone = "ok" | "warn" | "busy" | "bad";

export interface Badge {
  text: string;
  tone: BadgeTone;
  /** Longer explanation for the tooltip (e.g. the last error). */
  detail: string;
}

function waiting(n: number): string {
  return `${n} waiting`;
}

export function badgeFor(s: SyncStatus): Badge {
  const pending = Number(s.pending_changes);
  const lastSync = s.last_sync_at ? clockTime(s.last_sync_at) : "";
  switch (s.state) {
    case "online":
      return pending > 0
        ? { text: `Online · ${waiting(pending)}`, tone: "busy", detail: "changes are about to be sent" }
        : {
            text: lastSync ? `Online · synced ${lastSync}` : "Online",
            tone: "ok",
            detail: "every change on this workstation has reached the server",
          };
    case "syncing":
      return {
        text: pending > 0 ? `Syncing… · ${waiting(pending)}` : "Syncing…",
        tone: "busy",
        detail: "exchanging changes with the server",
      };
    case "offline":
      return {
        text: `Offline · ${waiting(pending)}`,
        tone: "warn",
        detail: `the server cannot be reached; work is saved on this workstation${
          lastSync ? ` (last synced ${lastSync})` : ""
        }`,
      };
    case "not_enrolled":
      return {
        text: "Not enrolled",
        tone: "bad",
        detail: s.last_error ?? "this workstation is not enrolled with a clinic server",
      };
    case "error":
      return {
        text: pending > 0 ? `Sync error · ${waiting(pending)}` : "Sync error",
        tone: "bad",
        detail: s.last_error ?? "sync failed",
      };
  }
}
