import { useEffect, useState } from 'react';
import { getOfficer } from './admin.api.ts';

const OFFICER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Usernames of the officers named by ID in the rows shown (records keep the ID), read one officer
 * at a time as they appear; best effort: an ID whose officer cannot be read stays as it is.
 */
export function useOfficerUsernames(ids: readonly string[]): (id: string) => string {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = [...new Set(ids)].filter((id) => OFFICER_ID.test(id) && !names.has(id)).sort();
  const key = wanted.join(',');
  useEffect(() => {
    if (!wanted.length) return;
    const ctrl = new AbortController();
    void Promise.all(wanted.map((id) => getOfficer(id, { signal: ctrl.signal }).then((o) => [id, o.username] as const, () => null))).then((found) => {
      if (!ctrl.signal.aborted) setNames((prev) => new Map([...prev, ...found.filter((f) => f !== null)]));
    });
    return () => ctrl.abort();
  }, [key]); // `wanted` by value
  return (id) => names.get(id) ?? id;
}
