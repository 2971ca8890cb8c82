import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { registryEn } from './text.en.ts';
import { registryVi } from './text.vi.ts';

/**
 * The registry's own texts, loaded with its chunk so the app's first download stays small.
 * Same rules as the app dictionaries: Vietnamese is the source of the keys, the English
 * dictionary must have exactly those keys and the same `{placeholders}` (checked by the compiler).
 */
export type RKey = keyof typeof registryVi;
export type RegistryMessages = { readonly [K in RKey]: string };
type Params<K extends RKey> = Placeholders<(typeof registryVi)[K]>;
type RArgs<K extends RKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
/** Keys whose text takes no parameters (usable where the key itself is data). */
export type PlainKey = { [K in RKey]: [Params<K>] extends [never] ? K : never }[RKey];
export type RT = <K extends RKey>(key: K, ...args: RArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type RegistryPlaceholderMismatch<D extends RegistryMessages> = { [K in RKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[RKey];

const dictionaries: Record<Lang, RegistryMessages> = { vi: registryVi, en: registryEn };

export function registryTranslator(lang: Lang): RT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `rt` for the registry's texts. */
export function useText(): I18n & { rt: RT } {
  const i18n = useI18n();
  const rt = useMemo(() => registryTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, rt };
}

/** Whether the registry dictionary has `key` (for keys built from server values). */
export function hasKey(key: string): key is RKey {
  return Object.prototype.hasOwnProperty.call(registryVi, key);
}
