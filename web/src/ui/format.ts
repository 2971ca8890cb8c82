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

/** A number with the page language's digit grouping. */
export function formatNumber(n: number, lang: 'vi' | 'en'): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

/** A byte count as B, KB, MB or GB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
