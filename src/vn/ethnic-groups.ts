import { lazy, loadReferenceCsv } from './csv.ts';
import { nfc, searchKey } from './text.ts';

export interface EthnicGroup { code: string; name: string }

const NOT_ALNUM = /[^a-z0-9]/g;
// Names are written with spaces, hyphens or run together (Ba Na, Ba-na, Bana): ignore all three.
const nameKey = (s: string): string => searchKey(s).replace(NOT_ALNUM, '');

const data = lazy(() => {
  const list: readonly EthnicGroup[] = Object.freeze(
    loadReferenceCsv('ethnic-groups.csv', ['code', 'name'] as const).map((r) => Object.freeze({ code: r.code, name: nfc(r.name) })),
  );
  return { list, byCode: new Map(list.map((g) => [g.code, g])), byKey: new Map(list.map((g) => [nameKey(g.name), g])) };
});

/** The 54 ethnic groups and code 55 for foreigners, in code order. */
export function ethnicGroups(): readonly EthnicGroup[] {
  return data().list;
}

export function getEthnicGroup(code: string): EthnicGroup | undefined {
  return data().byCode.get(code.trim());
}

/** Exact name match ignoring case, diacritics, spaces and hyphens. */
export function findEthnicGroup(name: string): EthnicGroup | undefined {
  const k = nameKey(name);
  return k === '' ? undefined : data().byKey.get(k);
}
