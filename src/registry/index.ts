import type { Kysely } from 'kysely';
import { registryStore } from './registry.store.ts';

export { registryModule } from './registry.routes.ts';
export { RegistryService, type EventContext, type BirthInput } from './registry.service.ts';
export { RegistryQueries } from './registry.queries.ts';
export { TOPIC, EVENT_KINDS, type EventKind } from './person-lifecycle.ts';

/**
 * The full names of a person's father, mother and spouse, for that person's ID card (chip DG13
 * fields 13-14). No jurisdiction check of its own: the caller has already been allowed to read the
 * person (RegistryService.readFull), and these names are part of the person's card.
 */
export async function familyNames(db: Kysely<any>, person: { father_id: string | null; mother_id: string | null; spouse_id: string | null }): Promise<{ father: string | null; mother: string | null; spouse: string | null }> {
  const name = async (id: string | null): Promise<string | null> => (id ? (await registryStore.person(db, id))?.full_name ?? null : null);
  const [father, mother, spouse] = await Promise.all([name(person.father_id), name(person.mother_id), name(person.spouse_id)]);
  return { father, mother, spouse };
}
