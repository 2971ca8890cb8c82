import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { cardsEn } from './text.en.ts';
import { cardsVi } from './text.vi.ts';

/**
 * The card console's own texts, loaded with its chunk. Same rules as the app dictionaries:
 * Vietnamese is the source of the keys; the English dictionary must have exactly those keys and
 * the same `{placeholders}` (checked by the compiler).
 */
export type CKey = keyof typeof cardsVi;
export type CardsMessages = { readonly [K in CKey]: string };
type Params<K extends CKey> = Placeholders<(typeof cardsVi)[K]>;
type CArgs<K extends CKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in CKey]: [Params<K>] extends [never] ? K : never }[CKey];
export type CT = <K extends CKey>(key: K, ...args: CArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type CardsPlaceholderMismatch<D extends CardsMessages> = { [K in CKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[CKey];

const dictionaries: Record<Lang, CardsMessages> = { vi: cardsVi, en: cardsEn };

export function cardsTranslator(lang: Lang): CT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `ct` for the card console's texts. */
export function useText(): I18n & { ct: CT } {
  const i18n = useI18n();
  const ct = useMemo(() => cardsTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, ct };
}

/** The text for a key built from a server value (`status.${s}`), or the value itself when there is none. */
export function textOf(ct: CT, key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(cardsVi, key) ? (ct as (k: string) => string)(key) : fallback;
}
