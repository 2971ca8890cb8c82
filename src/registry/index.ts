import type { Kysely } from 'kysely';
import { registryStore } from './registry.store.ts';
import type { PersonStatus } from './person-lifecycle.ts';
import type { Sex } from './registry.types.ts';
import { fullView, type AddressView } from './registry.view.ts';
export { type AddressView } from './registry.view.ts';

export { registryModule } from './registry.routes.ts';
export { RegistryService, type EventContext, type BirthInput } from './registry.service.ts';
export { RegistryQueries } from './registry.queries.ts';
export { TOPIC, EVENT_KINDS, type EventKind } from './person-lifecycle.ts';
export { verificationFact, verificationFacts, type VerificationFacts } from './verification-facts.ts';

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
 * the caller decides which fields leave and writes the access to the audit log. Read with the
 * other people asked for in the same turn of the event loop (one statement for all of them).
 */
export async function personRecord(db: Kysely<any>, idNumber: string): Promise<PersonRecord | null> {
  const row = await registryStore.personBatched(db, idNumber);
  if (!row) return null;
  return { ...(fullView(row, ['identity', 'origin', 'family', 'residence']).record as unknown as PersonRecord), householdNo: row.household_no };
}

export type PersonRecord = {
  idNumber: string; fullName: string; otherNames: string[] | null; sex: 'male' | 'female'; birthDate: string; status: 'living' | 'deceased' | 'missing';
  deathDate: string | null; nationality: string; synthetic: boolean;
  birthRegistration: AddressView | null; origin: AddressView | null; ethnicity: string | null; religion: string | null;
  maritalStatus: string | null; fatherId: string | null; motherId: string | null; spouseId: string | null;
  permanentResidence: AddressView | null; temporaryResidence: (AddressView & { until: string | null }) | null; currentResidence: AddressView | null;
  household: { householdNo: string; relationToHead: string | null } | null;
  householdNo: string | null;
};

/** What the eID module matches an applicant against: identity facts only, never addresses. */
export interface IdentityFacts {
  idNumber: string;
  fullName: string;
  birthYear: number;
  birthMonth: number | null;
  birthDay: number | null;
  sex: Sex;
  status: PersonStatus;
  nationality: string;
  fatherId: string | null;
  motherId: string | null;
  synthetic: boolean;
}

/**
 * A person's identity facts for the eID module's checks (self-service registration, recovery, a
 * parent registering a child). No officer check of its own: the caller never returns these values
 * to the applicant, only whether what the applicant stated matches.
 */
export async function identityFacts(db: Kysely<any>, idNumber: string): Promise<IdentityFacts | null> {
  const p = await registryStore.person(db, idNumber);
  if (!p) return null;
  return {
    idNumber: p.id_number, fullName: p.full_name, birthYear: p.birth_year, birthMonth: p.birth_month, birthDay: p.birth_day,
    sex: p.sex, status: p.status, nationality: p.nationality, fatherId: p.father_id, motherId: p.mother_id, synthetic: p.synthetic,
  };
}

/** The members of a household as a member sees them (names, relation, birth year), oldest first. */
export async function householdMembers(db: Kysely<any>, householdNo: string): Promise<Array<{ idNumber: string; fullName: string; relationToHead: string | null; birthYear: number; status: string }>> {
  return (await registryStore.householdMembers(db, householdNo)).map((m) => ({ idNumber: m.id_number, fullName: m.full_name, relationToHead: m.relation_to_head, birthYear: m.birth_year, status: m.status }));
}
