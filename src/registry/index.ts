import type { Kysely } from 'kysely';
import { registryStore } from './registry.store.ts';
import { fullView, type AddressView } from './registry.view.ts';
export { type AddressView } from './registry.view.ts';

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

/**
 * A person's whole record for another module acting on the person's behalf or under a grant
 * (eID claims, the data exchange), as the officer API shows it. No jurisdiction and no audit here:
 * the caller decides which fields leave and writes the access to the audit log.
 */
export async function personRecord(db: Kysely<any>, idNumber: string): Promise<PersonRecord | null> {
  const row = await registryStore.person(db, idNumber);
  if (!row) return null;
  return { ...(fullView(row, ['identity', 'origin', 'family', 'residence']).record as unknown as PersonRecord), householdNo: row.household_no };
}

export type PersonRecord = {
  idNumber: string; fullName: string; otherNames: string[] | null; sex: 'M' | 'F'; birthDate: string; status: 'living' | 'deceased' | 'missing';
  deathDate: string | null; nationality: string; synthetic: boolean;
  birthRegistration: AddressView | null; origin: AddressView | null; ethnicity: string | null; religion: string | null;
  maritalStatus: string | null; fatherId: string | null; motherId: string | null; spouseId: string | null;
  permanentResidence: AddressView | null; temporaryResidence: (AddressView & { until: string | null }) | null; currentResidence: AddressView | null;
  household: { householdNo: string; relationToHead: string | null } | null;
  householdNo: string | null;
};
