import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists registry;
    create sequence registry.household_no_seq start 1;

    create table registry.household (
      household_no text primary key,
      head_id text not null,
      address text not null,
      commune_code text not null,
      province_code text not null,
      status text not null default 'active' check (status in ('active', 'dissolved')),
      created_at timestamptz not null default now(),
      synthetic boolean not null default false
    );
    create index household_commune on registry.household (province_code, commune_code);

    -- Every person-owned table is keyed by the personal ID number, so it can be distributed on it.
    create table registry.person (
      id_number text primary key check (id_number ~ '^\\d{12}$'),
      full_name text not null,
      name_key text collate "C" not null,
      given_key text collate "C" not null,
      other_names text[] not null default '{}',
      sex text not null check (sex in ('male', 'female')),
      birth_year smallint not null,
      birth_month smallint check (birth_month between 1 and 12),
      birth_day smallint check (birth_day between 1 and 31),
      birth_reg_province_code text not null,
      birth_reg_commune_code text,
      origin_province_code text,
      origin_commune_code text,
      ethnicity_code text not null default '01',
      religion text not null default 'Không',
      nationality text not null default 'VNM',
      marital_status text not null default 'single' check (marital_status in ('single', 'married', 'divorced', 'widowed')),
      father_id text,
      mother_id text,
      spouse_id text,
      perm_address text,
      perm_commune_code text,
      perm_province_code text,
      perm_old_commune_code text,
      perm_old_district_code text,
      perm_old_province_code text,
      perm_since date,
      temp_address text,
      temp_commune_code text,
      temp_province_code text,
      temp_until date,
      cur_address text,
      cur_commune_code text,
      cur_province_code text,
      household_no text,
      relation_to_head text,
      status text not null default 'living' check (status in ('living', 'deceased', 'missing')),
      death_date date,
      version int not null default 1,
      synthetic boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- Life events: one row per event, one row per person it touched with the fields before and after.
    create table registry.event (
      id bigserial primary key,
      kind text not null,
      at timestamptz not null,
      effective_date date,
      officer_id text not null,
      legal_basis text not null,
      reason text,
      request_id text,
      details jsonb not null default '{}'
    );

    create table registry.event_subject (
      id_number text not null,
      event_id bigint not null references registry.event(id),
      role text not null,
      before jsonb not null,
      after jsonb not null,
      primary key (id_number, event_id)
    );

    create table registry.duplicate_review (
      id bigserial primary key,
      kind text not null,
      request jsonb not null,
      candidates text[] not null,
      reasons jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'confirmed_distinct', 'merged')),
      requested_by text not null,
      requested_at timestamptz not null,
      province_code text not null,
      commune_code text,
      decided_by text,
      decided_at timestamptz,
      result_id_number text
    );
    create index duplicate_review_pending on registry.duplicate_review (province_code, id) where status = 'pending';

    create table registry.correction (
      id bigserial primary key,
      id_number text not null,
      changes jsonb not null,
      reason text not null,
      legal_basis text not null,
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      requested_by text not null,
      requested_at timestamptz not null,
      decided_by text,
      decided_at timestamptz,
      decision_note text
    );
    create index correction_pending on registry.correction (id_number) where status = 'pending';

    -- Which ID numbers exist, including those of people merged away: an ID number is never reused.
    create table registry.issued_id (
      id_number text primary key
    );

    -- Progress of a synthetic-population load, one row per finished batch, so a load resumes.
    create table registry.seed_batch (
      seed int not null,
      batch int not null,
      people int not null,
      households int not null,
      loaded_at timestamptz not null default now(),
      primary key (seed, batch)
    );
  `.execute(db);
}

/**
 * Indexes are created after a bulk load too (see synth/loader), so they live in their own step.
 * Search keys are ASCII (diacritics stripped) in the "C" collation, so one btree serves both
 * `LIKE 'prefix%'` and `ORDER BY name_key`: a search reads only the rows of the page it answers.
 */
export const SEARCH_INDEXES = [
  `create index if not exists person_dup_key on registry.person (name_key, birth_year, birth_month, birth_day)`,
  `create index if not exists person_year_name on registry.person (birth_year, name_key)`,
  `create index if not exists person_given_key on registry.person (given_key, birth_year, name_key)`,
  `create index if not exists person_perm_unit on registry.person (perm_province_code, perm_commune_code)`,
  `create index if not exists person_household on registry.person (household_no)`,
];

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema registry cascade`.execute(db);
}
