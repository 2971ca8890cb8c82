import type { Kysely } from 'kysely';
import { turnReads } from '../platform/db/batch-loader.ts';
import { registryStore, type IdentityRow } from './registry.store.ts';
import { birthDateIso } from './registry.view.ts';

/** What the data exchange compares a partner's statement with: identity facts only. */
export interface VerificationFacts {
  idNumber: string;
  fullName: string;
  /** 'yyyy-mm-dd', 'yyyy-mm' or 'yyyy' as recorded. */
  birthDate: string;
  sex: 'male' | 'female';
  status: 'living' | 'deceased' | 'missing';
}

/**
 * Identity facts of many people in one statement (`= any($1)`, a few thousand ID numbers at a
 * time for bulk verification; one for a single check). No officer check and no audit: the data
 * exchange returns only verdicts about what a partner stated, and audits each access itself.
 */
export async function verificationFacts(db: Kysely<any>, idNumbers: readonly string[]): Promise<Map<string, VerificationFacts>> {
  const out = new Map<string, VerificationFacts>();
  for (const r of await registryStore.identityMany(db, idNumbers)) out.set(r.id_number, factsOf(r));
  return out;
}

function factsOf(r: IdentityRow): VerificationFacts {
  return { idNumber: r.id_number, fullName: r.full_name, birthDate: birthDateIso(r), sex: r.sex, status: r.status };
}

const loads = new WeakMap<object, (idNumber: string) => Promise<IdentityRow | undefined>>();

/**
 * One person's identity facts outside any transaction, read in one statement with those that
 * concurrent requests ask for in the same turn of the event loop, other modules' reads of that turn
 * included (single checks at scale).
 */
export async function verificationFact(db: Kysely<any>, idNumber: string): Promise<VerificationFacts | undefined> {
  let load = loads.get(db);
  if (!load) {
    load = turnReads(db).part({ query: (ids: string[]) => registryStore.identityQuery(ids), index: (rows) => new Map(rows.map((r) => [r.id_number, r])) });
    loads.set(db, load);
  }
  const r = await load(idNumber);
  return r && factsOf(r);
}
