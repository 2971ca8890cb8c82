import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { BatchLoader } from '../platform/db/batch-loader.ts';
import { effectInserts, type Effects } from '../platform/events/effects.ts';
import type { HouseholdRow, PersonPatch, PersonRow } from './registry.types.ts';

type Db = Kysely<any> | Transaction<any>;

/** Columns a life event may change (never the key, the version or the synthetic mark). */
const PATCHABLE = new Set<string>([
  'full_name', 'name_key', 'given_key', 'other_names', 'sex', 'birth_year', 'birth_month', 'birth_day',
  'birth_reg_province_code', 'birth_reg_commune_code', 'origin_province_code', 'origin_commune_code',
  'ethnicity_code', 'religion', 'nationality', 'marital_status', 'father_id', 'mother_id', 'spouse_id',
  'perm_address', 'perm_commune_code', 'perm_province_code', 'perm_old_commune_code', 'perm_old_district_code', 'perm_old_province_code', 'perm_since',
  'temp_address', 'temp_commune_code', 'temp_province_code', 'temp_until',
  'cur_address', 'cur_commune_code', 'cur_province_code', 'household_no', 'relation_to_head', 'status', 'death_date',
]);

export interface EventRecord {
  kind: string; at: Date; effectiveDate: string | null; officerId: string; legalBasis: string; reason: string | null; requestId: string | null; details: Record<string, unknown>;
}
export type EventSubjectRecord = { idNumber: string; role: string; before: Record<string, unknown>; after: Record<string, unknown> };

/**
 * A person row within a unit, in SQL: the same units as `unitsOf()` — permanent, temporary or
 * current residence, or the place of birth registration for someone with no residence.
 * `prefix` names the person table's alias (`p.`).
 */
export function inJurisdiction(provinceCode: string, communeCode: string | null, prefix = '') {
  const at = (eb: any, k: string) => (communeCode ? eb.and([eb(`${prefix}${k}_province_code`, '=', provinceCode), eb(`${prefix}${k}_commune_code`, '=', communeCode)]) : eb(`${prefix}${k}_province_code`, '=', provinceCode));
  return (eb: any) => eb.or([
    ...['perm', 'temp', 'cur'].map((k) => at(eb, k)),
    eb.and([eb(`${prefix}perm_province_code`, 'is', null), eb(`${prefix}temp_province_code`, 'is', null), eb(`${prefix}cur_province_code`, 'is', null), at(eb, 'birth_reg')]),
  ]);
}

/** The CTEs `ev` (the event, its id) and `subj` (its subjects) of a statement that records an event. */
function eventCtes(e: EventRecord, subjects: readonly EventSubjectRecord[]) {
  return sql`
      ev as (
        insert into registry.event (kind, at, effective_date, officer_id, legal_basis, reason, request_id, details)
        values (${e.kind}, ${e.at}, ${e.effectiveDate}, ${e.officerId}, ${e.legalBasis}, ${e.reason}, ${e.requestId}, ${JSON.stringify(e.details)})
        returning id
      ), subj as (
        insert into registry.event_subject (id_number, event_id, role, before, after)
        select s.id_number, ev.id, s.role, s.before, s.after
        from ev, jsonb_to_recordset(${JSON.stringify(subjects.map((x) => ({ id_number: x.idNumber, role: x.role, before: x.before, after: x.after })))}::jsonb)
          as s(id_number text, role text, before jsonb, after jsonb)
      )`;
}

/**
 * A person's whole row as one JSON column: node-postgres turns a 41-column row into an object at
 * ~53 µs of CPU per read, the same row as JSON at ~30 µs (bench/statement-cost.bench.ts).
 * Values keep their types (dates as 'yyyy-mm-dd' text, as the DATE parser gives them); the row's
 * created_at/updated_at come as text, and PersonRow does not expose them.
 */
const personJson = sql<PersonRow>`row_to_json(p)`.as('r');
const unwrap = (rows: ReadonlyArray<{ r: PersonRow }>): PersonRow[] => rows.map((x) => x.r);

/** What the data exchange compares a partner's statement with. */
export type IdentityRow = Pick<PersonRow, 'id_number' | 'full_name' | 'birth_year' | 'birth_month' | 'birth_day' | 'sex' | 'status'>;

const personLoaders = new WeakMap<object, BatchLoader<string, PersonRow>>();

/** All SQL of the registry module. */
export const registryStore = {
  /**
   * A person outside any transaction, read together with the other people that concurrent
   * requests ask for in the same turn of the event loop (one statement for all of them).
   */
  personBatched(db: Kysely<any>, idNumber: string): Promise<PersonRow | undefined> {
    let loader = personLoaders.get(db);
    if (!loader) {
      loader = new BatchLoader((ids) => ids.length === 1
        ? registryStore.person(db, ids[0]!).then((p) => new Map(p ? [[p.id_number, p]] : []))
        : registryStore.people(db, ids));
      personLoaders.set(db, loader);
    }
    return loader.load(idNumber);
  },

  async person(db: Db, idNumber: string): Promise<PersonRow | undefined> {
    const row = await db.selectFrom('registry.person as p').select(personJson).where('id_number', '=', idNumber).executeTakeFirst() as { r: PersonRow } | undefined;
    return row?.r;
  },

  /** Identity columns of many people in one statement (bulk verification batches of a few thousand). */
  async identityMany(db: Db, idNumbers: readonly string[]): Promise<IdentityRow[]> {
    return (await registryStore.identityQuery(idNumbers).execute(db)).rows;
  },

  /** The statement of identityMany, for a turn's combined read (TurnReads). */
  identityQuery(idNumbers: readonly string[]): RawBuilder<IdentityRow> {
    // One person by equality: a prepared `= any($1)` is re-planned on every call (its generic plan
    // is costed for an array of unknown length), while `= $1` settles on the generic plan.
    return idNumbers.length === 1
      ? sql<IdentityRow>`select id_number, full_name, birth_year, birth_month, birth_day, sex, status from registry.person where id_number = ${idNumbers[0]!}`
      : sql<IdentityRow>`select id_number, full_name, birth_year, birth_month, birth_day, sex, status from registry.person where id_number = any(${idNumbers as string[]}::text[])`;
  },

  /** Locks the rows in ID order (no deadlock between two events touching the same people). */
  async lockPeople(trx: Transaction<any>, ids: readonly string[]): Promise<Map<string, PersonRow>> {
    const unique = [...new Set(ids)].sort();
    if (!unique.length) return new Map();
    const rows = unwrap(await trx.selectFrom('registry.person as p').select(personJson).where('id_number', 'in', unique).orderBy('id_number').forUpdate().execute() as Array<{ r: PersonRow }>);
    return new Map(rows.map((r) => [r.id_number, r]));
  },

  async claimIdNumber(trx: Transaction<any>, idNumber: string): Promise<boolean> {
    const r = await sql`insert into registry.issued_id (id_number) values (${idNumber}) on conflict do nothing returning id_number`.execute(trx);
    return r.rows.length === 1;
  },

  async insertPerson(trx: Transaction<any>, row: Omit<PersonRow, 'version' | 'synthetic'>): Promise<void> {
    await trx.insertInto('registry.person').values({ ...row, other_names: row.other_names }).execute();
  },

  async updatePerson(trx: Transaction<any>, idNumber: string, patch: PersonPatch): Promise<void> {
    await trx.updateTable('registry.person').set({ ...patch, version: sql`version + 1`, updated_at: sql`now()` }).where('id_number', '=', idNumber).execute();
  },

  household(db: Db, no: string): Promise<HouseholdRow | undefined> {
    return db.selectFrom('registry.household').selectAll().where('household_no', '=', no).executeTakeFirst() as Promise<HouseholdRow | undefined>;
  },

  async lockHousehold(trx: Transaction<any>, no: string): Promise<HouseholdRow | undefined> {
    return trx.selectFrom('registry.household').selectAll().where('household_no', '=', no).forUpdate().executeTakeFirst() as Promise<HouseholdRow | undefined>;
  },

  async insertHousehold(trx: Transaction<any>, h: Omit<HouseholdRow, 'status' | 'synthetic'>): Promise<void> {
    await trx.insertInto('registry.household').values(h).execute();
  },

  async updateHousehold(trx: Transaction<any>, no: string, patch: Partial<Omit<HouseholdRow, 'household_no'>>): Promise<void> {
    await trx.updateTable('registry.household').set(patch).where('household_no', '=', no).execute();
  },

  householdMembers(db: Db, no: string): Promise<PersonRow[]> {
    return db.selectFrom('registry.person as p').select(personJson).where('household_no', '=', no).orderBy('birth_year').orderBy('id_number').execute().then((rows) => unwrap(rows as Array<{ r: PersonRow }>));
  },

  async nextHouseholdNo(trx: Transaction<any>, provinceCode: string): Promise<string> {
    const { rows } = await sql<{ n: number }>`select nextval('registry.household_no_seq')::bigint as n`.execute(trx);
    return `HK${provinceCode}-${String(rows[0]!.n).padStart(8, '0')}`;
  },

  /** The event and its subjects in one statement (one round trip on the hot path of every life event). */
  /** People by ID number without locking them (an event written by `applyEvent` checks their versions instead). */
  async people(db: Db, ids: readonly string[]): Promise<Map<string, PersonRow>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const { rows } = await sql<{ r: PersonRow }>`select row_to_json(p) as r from registry.person p where id_number = any(${unique}::text[])`.execute(db);
    return new Map(unwrap(rows).map((r) => [r.id_number, r]));
  },

  /**
   * A whole life event in one autocommit statement: each person's patch applied only if the person
   * still has the version it was read at (otherwise 40001 and nothing is written), the event and its
   * subjects, its outbox events and audit entries (their `eventId` filled in), and the idempotency
   * key with the response. A second request under a committed key fails on the key (23505).
   */
  async applyEvent(db: Kysely<any>, a: { patches: ReadonlyArray<{ idNumber: string; version: number; patch: PersonPatch }>; event: EventRecord; subjects: readonly EventSubjectRecord[]; effects: Effects; idempotency: { scope: string; key: string; hash: Buffer; response: unknown } | null }): Promise<number> {
    const cols = [...new Set(a.patches.flatMap((p) => Object.keys(p.patch)))];
    for (const c of cols) if (!PATCHABLE.has(c)) throw new Error(`registry: not a patchable column: ${c}`);
    const fx = effectInserts(a.effects, { from: 'ev', id: 'ev.id' });
    const idem = a.idempotency;
    const { rows } = await sql<{ id: number }>`
      with x as (
        select * from jsonb_to_recordset(${JSON.stringify(a.patches.map((p) => ({ id_number: p.idNumber, version: p.version, patch: p.patch })))}::jsonb) as x(id_number text, version int, patch jsonb)
      ), upd as (
        update registry.person p
        set (${sql.raw(cols.join(', '))}, version, updated_at) = (select ${sql.raw(cols.map((c) => `r.${c}`).join(', '))}, p.version + 1, now() from jsonb_populate_record(p, x.patch) r)
        from x where p.id_number = x.id_number and p.version = x.version
        returning p.id_number
      ), ${eventCtes(a.event, a.subjects)}, outbox as (${fx.outbox}
      ), audit as (${fx.audit}
      ), idem as (
        insert into platform.idempotency_key (scope, key, request_hash, status, response)
        select ${idem?.scope ?? null}::text, ${idem?.key ?? null}::text, ${idem?.hash ?? null}::bytea, 200,
          jsonb_set(${JSON.stringify(idem?.response ?? null)}::jsonb, '{eventId}', to_jsonb(ev.id))
        from ev where ${idem?.key ?? null}::text is not null
      )
      select ev.id, registry.expect_rows((select count(*)::int from upd), ${a.patches.length}) from ev`.execute(db);
    return Number(rows[0]!.id);
  },

  async insertEvent(trx: Transaction<any>, e: EventRecord, subjects: readonly EventSubjectRecord[]): Promise<number> {
    const { rows } = await sql<{ id: number }>`with ${eventCtes(e, subjects)} select id from ev`.execute(trx);
    return Number(rows[0]!.id);
  },

  events(db: Db, idNumber: string, opts: { after?: Date } = {}) {
    let q = db.selectFrom('registry.event_subject as s').innerJoin('registry.event as e', 'e.id', 's.event_id')
      .select(['e.id', 'e.kind', 'e.at', 'e.effective_date', 'e.officer_id', 'e.legal_basis', 'e.reason', 'e.details', 's.role', 's.before', 's.after'])
      .where('s.id_number', '=', idNumber);
    if (opts.after) q = q.where('e.at', '>', opts.after);
    return q.orderBy('e.id', 'desc').execute() as Promise<Array<{ id: number; kind: string; at: Date; effective_date: string | null; officer_id: string; legal_basis: string; reason: string | null; details: Record<string, unknown>; role: string; before: Record<string, unknown>; after: Record<string, unknown> }>>;
  },

  /** Probable duplicates of a new person: same name key and birth date, and same parent or same place. */
  probableDuplicates(db: Db, p: { nameKey: string; year: number; month: number | null; day: number | null; fatherId: string | null; motherId: string | null; communeCode: string | null }): Promise<PersonRow[]> {
    let q = db.selectFrom('registry.person as p').select(personJson)
      .where('name_key', '=', p.nameKey).where('birth_year', '=', p.year)
      .where((eb: any) => eb.or([eb('birth_month', '=', p.month), eb('birth_month', 'is', null)]))
      .where((eb: any) => eb.or([eb('birth_day', '=', p.day), eb('birth_day', 'is', null)]));
    q = q.where((eb: any) => {
      const ors = [];
      if (p.fatherId) ors.push(eb('father_id', '=', p.fatherId));
      if (p.motherId) ors.push(eb('mother_id', '=', p.motherId));
      if (p.communeCode) ors.push(eb('birth_reg_commune_code', '=', p.communeCode));
      return ors.length ? eb.or(ors) : eb.val(false);
    });
    return q.limit(10).execute().then((rows) => unwrap(rows as Array<{ r: PersonRow }>));
  },
};
