import type { CT } from './text.ts';
import { textOf } from './text.ts';

/** yyyy[-mm[-dd]] as Vietnamese documents write it: dd/mm/yyyy, mm/yyyy or yyyy. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (d) return `${d}/${mo}/${y}`;
  if (mo) return `${mo}/${y}`;
  return y!;
}

const VN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant as dd/mm/yyyy HH:mm, Vietnam time. */
export function formatInstant(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = Object.fromEntries(VN_TIME.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export { sentence } from '../ui/fields.tsx';

export const sexText = (s: string, ct: CT) => textOf(ct, `sex.${s}`, s);
export const cardStatusText = (s: string, ct: CT) => textOf(ct, `status.${s}`, s);
export const personStatusText = (s: string, ct: CT) => textOf(ct, `person.${s}`, s);
export const kindText = (s: string, ct: CT) => textOf(ct, `kind.${s}`, s);
export const eventText = (s: string, ct: CT) => textOf(ct, `event.${s}`, s);
