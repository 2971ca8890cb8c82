import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { adminEn } from './text.en.ts';
import { adminVi } from './text.vi.ts';

/**
 * The admin module's own texts, loaded with its chunk. Same rules as the app dictionaries:
 * Vietnamese is the source of the keys; the English dictionary must have exactly those keys and
 * the same `{placeholders}` (checked by the compiler).
 */
export type DKey = keyof typeof adminVi;
export type AdminMessages = { readonly [K in DKey]: string };
type Params<K extends DKey> = Placeholders<(typeof adminVi)[K]>;
type DArgs<K extends DKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in DKey]: [Params<K>] extends [never] ? K : never }[DKey];
export type DT = <K extends DKey>(key: K, ...args: DArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type AdminPlaceholderMismatch<D extends AdminMessages> = { [K in DKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[DKey];

const dictionaries: Record<Lang, AdminMessages> = { vi: adminVi, en: adminEn };

export function adminTranslator(lang: Lang): DT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `dt` for the admin module's texts. */
export function useText(): I18n & { dt: DT } {
  const i18n = useI18n();
  const dt = useMemo(() => adminTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, dt };
}

/** The text for a key built from a server value (`scope.${s}`), or the value itself when there is none. */
export function textOf(dt: DT, key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(adminVi, key) ? (dt as (k: string) => string)(key) : fallback;
}
