import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { portalEn } from './text.en.ts';
import { portalVi } from './text.vi.ts';

/**
 * The citizen portal's own texts, loaded with its chunk. Same rules as the app dictionaries:
 * Vietnamese is the source of the keys; the English dictionary must have exactly those keys and
 * the same `{placeholders}` (checked by the compiler).
 */
export type PKey = keyof typeof portalVi;
export type PortalMessages = { readonly [K in PKey]: string };
type Params<K extends PKey> = Placeholders<(typeof portalVi)[K]>;
type PArgs<K extends PKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in PKey]: [Params<K>] extends [never] ? K : never }[PKey];
export type PT = <K extends PKey>(key: K, ...args: PArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type PortalPlaceholderMismatch<D extends PortalMessages> = { [K in PKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[PKey];

const dictionaries: Record<Lang, PortalMessages> = { vi: portalVi, en: portalEn };

export function portalTranslator(lang: Lang): PT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `pt` for the citizen portal's texts. */
export function useText(): I18n & { pt: PT } {
  const i18n = useI18n();
  const pt = useMemo(() => portalTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, pt };
}

/** The text for a key built from a server value (`scope.${s}`), or the value itself when there is none. */
export function textOf(pt: PT, key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(portalVi, key) ? (pt as (k: string) => string)(key) : fallback;
}
