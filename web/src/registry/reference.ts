import { useCallback, useEffect, useState } from 'react';
import { listCommunes, listEthnicGroups, listProvinces } from './registry.api.ts';
import type { Commune, EthnicGroup, Province } from './registry.types.ts';

/**
 * Reference data (provinces, communes, ethnic groups) loaded once per page load and shared by
 * every form and view: the server marks it cacheable for a day, and a failed load is retried.
 */
const cache = new Map<string, Promise<unknown>>();

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

const collator = new Intl.Collator('vi');
/** "Phường Ba Đình" sorts under B: the unit type is not what officers look for. */
const bareName = (name: string) => name.replace(/^(xã|phường|đặc khu|thị trấn)\s+/i, '');

export const loadProvinces = () => cached('provinces', async () => (await listProvinces()).items);
export const loadCommunes = (provinceCode: string) =>
  cached(`communes:${provinceCode}`, async () => [...(await listCommunes(provinceCode)).items].sort((a, b) => collator.compare(bareName(a.name), bareName(b.name))));
export const loadEthnicGroups = () => cached('ethnic-groups', async () => (await listEthnicGroups()).items);

export type Loadable<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/** Runs `load` whenever `key` changes (null = nothing to load); `retry` runs it again after an error. */
export function useLoad<T>(key: string | null, load: () => Promise<T>): Loadable<T> & { retry(): void } {
  const [state, setState] = useState<Loadable<T>>({ state: key === null ? 'idle' : 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === null) {
      setState({ state: 'idle' });
      return;
    }
    let live = true;
    setState({ state: 'loading' });
    load().then(
      (value) => live && setState({ state: 'ready', value }),
      (error: unknown) => live && setState({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
    // Only `key` decides what is loaded: `load` is a new closure on each render.
  }, [key, attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, retry };
}

export const useProvinces = () => useLoad<readonly Province[]>('provinces', loadProvinces);
export const useCommunes = (provinceCode: string | null) => useLoad<readonly Commune[]>(provinceCode ? `communes:${provinceCode}` : null, () => loadCommunes(provinceCode!));
export const useEthnicGroups = () => useLoad<readonly EthnicGroup[]>('ethnic-groups', loadEthnicGroups);

/** Names for the units of several provinces at once (history values carry bare codes). */
export function useUnitNames(provinceCodes: readonly string[]): { province(code: string): string | null; commune(code: string): string | null } {
  const key = [...new Set(provinceCodes)].sort().join(',');
  const provinces = useProvinces();
  const communes = useLoad<ReadonlyMap<string, string>>(key ? `names:${key}` : null, async () => {
    const lists = await Promise.all(key.split(',').map((c) => loadCommunes(c).catch(() => [] as Commune[])));
    return new Map(lists.flat().map((c) => [c.code, c.name]));
  });
  return {
    province: (code) => (provinces.state === 'ready' ? (provinces.value.find((p) => p.code === code)?.name ?? null) : null),
    commune: (code) => (communes.state === 'ready' ? (communes.value.get(code) ?? null) : null),
  };
}
