import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { partnerEn } from './text.en.ts';
import { partnerVi } from './text.vi.ts';

/**
 * The partner console's own texts, loaded with its chunk. Vietnamese is the source of the keys;
 * the English dictionary must have exactly those keys and the same `{placeholders}` (checked by
 * the compiler).
 */
export type XKey = keyof typeof partnerVi;
export type PartnerMessages = { readonly [K in XKey]: string };
type Params<K extends XKey> = Placeholders<(typeof partnerVi)[K]>;
type XArgs<K extends XKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in XKey]: [Params<K>] extends [never] ? K : never }[XKey];
export type XT = <K extends XKey>(key: K, ...args: XArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type PartnerPlaceholderMismatch<D extends PartnerMessages> = { [K in XKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[XKey];

const dictionaries: Record<Lang, PartnerMessages> = { vi: partnerVi, en: partnerEn };

export function partnerTranslator(lang: Lang): XT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `xt` for the partner console's texts. */
export function useText(): I18n & { xt: XT } {
  const i18n = useI18n();
  const xt = useMemo(() => partnerTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, xt };
}

/** The text for a key built from a server value (`topic.${t}`), or the value itself when there is none. */
export function textOf(xt: XT, key: string, fallback: string): string {
  return Object.prototype.hasOwnProperty.call(partnerVi, key) ? (xt as (k: string) => string)(key) : fallback;
}
