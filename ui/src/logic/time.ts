// Why: times are shown in the workstation's local time, 24-hour, the same way everywhere
// (badge, vitals history), and a bad timestamp must never crash a render.

function pad(n: number): string {
  return n.toString().padStart(2, "0");
}

/** "10:42" in local time; "" if the timestamp cannot be read. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2026-11-22 10:42" in local time; the raw text if it cannot be read. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clockTime(iso)}`;
}
