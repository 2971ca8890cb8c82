import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { eidEn } from './text.en.ts';
import { eidVi } from './text.vi.ts';

/**
 * The eID console's own texts, loaded with its chunk. Vietnamese is the source of the keys; the
 * English dictionary must have exactly those keys and the same `{placeholders}` (checked by the compiler).
 */
export type EKey = keyof typeof eidVi;
export type EidMessages = { readonly [K in EKey]: string };
type Params<K extends EKey> = Placeholders<(typeof eidVi)[K]>;
type EArgs<K extends EKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in EKey]: [Params<K>] extends [never] ? K : never }[EKey];
export type ET = <K extends EKey>(key: K, ...args: EArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type EidPlaceholderMismatch<D extends EidMessages> = { [K in EKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[EKey];

const dictionaries: Record<Lang, EidMessages> = { vi: eidVi, en: eidEn };

export function eidTranslator(lang: Lang): ET {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `et` for the eID console's texts. */
export function useText(): I18n & { et: ET } {
  const i18n = useI18n();
  const et = useMemo(() => eidTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, et };
}

/** The text for a key built from a server value (`status.${s}`), or the value itself when there is none. */
export function textOf(et: ET, key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(eidVi, key) ? (et as (k: string) => string)(key) : fallback;
}
