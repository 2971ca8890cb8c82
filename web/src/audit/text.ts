import { useMemo } from 'react';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { fill, type Lang, type Placeholders } from '../i18n/messages.ts';
import { auditEn } from './text.en.ts';
import { auditVi } from './text.vi.ts';

/**
 * The audit module's own texts, loaded with its chunk. Same rules as the app dictionaries:
 * Vietnamese is the source of the keys; the English dictionary must have exactly those keys and
 * the same `{placeholders}` (checked by the compiler).
 */
export type AKey = keyof typeof auditVi;
export type AuditMessages = { readonly [K in AKey]: string };
type Params<K extends AKey> = Placeholders<(typeof auditVi)[K]>;
type AArgs<K extends AKey> = [Params<K>] extends [never] ? [] : [params: Record<Params<K>, string | number>];
export type AT = <K extends AKey>(key: K, ...args: AArgs<K>) => string;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type AuditPlaceholderMismatch<D extends AuditMessages> = { [K in AKey]: Same<Placeholders<D[K]>, Params<K>> extends true ? never : K }[AKey];

const dictionaries: Record<Lang, AuditMessages> = { vi: auditVi, en: auditEn };

export function auditTranslator(lang: Lang): AT {
  const d = dictionaries[lang];
  return (key, ...args) => fill(d[key], args[0]);
}

/** The app's i18n plus `at` for the audit module's texts. */
export function useText(): I18n & { at: AT } {
  const i18n = useI18n();
  const at = useMemo(() => auditTranslator(i18n.lang), [i18n.lang]);
  return { ...i18n, at };
}

/** The text for a key built from a server value (`action.${a}`), or null when there is none. */
export function textOf(at: AT, key: string): string | null {
  return Object.prototype.hasOwnProperty.call(auditVi, key) ? (at as (k: string) => string)(key) : null;
}
