import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** What any officer may see of another (GET /api/v1/officers/names). */
export interface OfficerName {
  id: string;
  username: string;
  displayName: string;
}

const PER_CALL = 100;
/** By id and by username; null: asked and not an officer (a system actor, a removed account). */
const known = new Map<string, OfficerName | null>();

export async function fetchOfficerNames(refs: readonly string[], signal?: AbortSignal): Promise<OfficerName[]> {
  const out: OfficerName[] = [];
  for (let i = 0; i < refs.length; i += PER_CALL) {
    const qs = new URLSearchParams(refs.slice(i, i + PER_CALL).map((r) => ['ref', r]));
    const r = await api.get<{ items: OfficerName[] }>(`/api/v1/officers/names?${qs.toString()}`, signal ? { signal } : {});
    out.push(...r.items);
  }
  return out;
}

/** "Nguyễn Văn An (nguyen.van.an)" */
export function officerLabel(o: OfficerName): string {
  return `${o.displayName} (${o.username})`;
}

/**
 * Names the officers behind ids or usernames shown in a view: returns a function giving
 * "Display name (username)", or the ref itself until the names arrive or when it names no officer.
 * Names asked once are remembered for the rest of the visit.
 */
export function useOfficerNames(refs: readonly string[]): (ref: string) => string {
  const [, setVersion] = useState(0);
  const missing = [...new Set(refs)].filter((r) => r && !known.has(r));
  const key = missing.join('\n');
  useEffect(() => {
    if (!missing.length) return;
    const ctrl = new AbortController();
    fetchOfficerNames(missing, ctrl.signal).then(
      (found) => {
        for (const r of missing) known.set(r, null);
        for (const o of found) {
          known.set(o.id, o);
          known.set(o.username, o);
        }
        setVersion((v) => v + 1);
      },
      // Without names the view still shows the ids: nothing to report.
      () => undefined,
    );
    return () => ctrl.abort();
  }, [key]);
  return (ref) => {
    const o = known.get(ref);
    return o ? officerLabel(o) : ref;
  };
}
