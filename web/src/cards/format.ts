import type { CT } from './text.ts';
import { textOf } from './text.ts';

export { formatPartialDate as formatDate, formatInstant } from '../ui/format.ts';
export { sentence } from '../ui/fields.tsx';

export const sexText = (s: string, ct: CT) => textOf(ct, `sex.${s}`, s);
export const cardStatusText = (s: string, ct: CT) => textOf(ct, `status.${s}`, s);
export const personStatusText = (s: string, ct: CT) => textOf(ct, `person.${s}`, s);
export const kindText = (s: string, ct: CT) => textOf(ct, `kind.${s}`, s);
export const eventText = (s: string, ct: CT) => textOf(ct, `event.${s}`, s);
