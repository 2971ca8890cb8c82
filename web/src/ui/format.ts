/** Dates and times as Vietnamese documents write them, shared by every console module. */

/** A partial date yyyy[-mm[-dd]] as dd/mm/yyyy, mm/yyyy or yyyy. */
export function formatPartialDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (d) return `${d}/${mo}/${y}`;
  if (mo) return `${mo}/${y}`;
  return y!;
}

const VN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function vnParts(at: Date): Record<string, string> {
  return Object.fromEntries(VN_TIME.formatToParts(at).map((p) => [p.type, p.value]));
}

/** An instant as dd/mm/yyyy HH:mm in Vietnam time. */
export function formatInstant(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = vnParts(at);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
