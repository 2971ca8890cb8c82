import type { vi } from './vi.ts';

export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

export type MessageKey = keyof typeof vi;

/** Placeholder names in a message template: `'Hello, {name}'` → `'name'`. */
export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** The placeholders a key takes (from the Vietnamese source). */
export type ParamsOf<K extends MessageKey> = Placeholders<(typeof vi)[K]>;

/** A dictionary for another language: exactly the keys of `vi` (no missing, no extra). */
export type Messages = { readonly [K in MessageKey]: string };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Keys whose translation has other placeholders than the Vietnamese source (`never` when all agree). */
export type PlaceholderMismatch<D extends Messages> = { [K in MessageKey]: Same<Placeholders<D[K]>, ParamsOf<K>> extends true ? never : K }[MessageKey];

/** `t(key)` for keys without placeholders, `t(key, { name })` for the others. */
export type TArgs<K extends MessageKey> = [ParamsOf<K>] extends [never] ? [] : [params: Record<ParamsOf<K>, string | number>];

export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
