import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists identity;

    -- Electronic identification accounts (Decree 69/2024): one open account per person, keyed by the
    -- personal ID number. A closed account stays for its history; the person may open a new one.
    create table identity.account (
      id uuid primary key default gen_random_uuid(),
      id_number text not null check (id_number ~ '^\\d{12}$'),
      level smallint not null check (level in (1, 2)),
      status text not null check (status in ('pending_activation', 'active', 'locked', 'suspended', 'closed')),
      status_reason text,
      status_changed_at timestamptz not null,
      status_changed_by text,
      phone text not null check (phone ~ '^0\\d{9}$'),
      phone_verified_at timestamptz,
      email text,
      -- argon2id; null until the citizen sets one (an account opened at the counter).
      password_hash text,
      password_changed_at timestamptz,
      failed_attempts int not null default 0,
      locked_until timestamptz,
      -- the parent's account when a parent opened this one for a child.
      guardian_account_id uuid references identity.account (id),
      -- TOTP secret sealed with the module's key (see secret-box.ts); the pending one until confirmed.
      totp_secret bytea,
      totp_pending_secret bytea,
      totp_enabled_at timestamptz,
      -- the last time step accepted: a code is never accepted twice.
      totp_last_step bigint,
      activated_at timestamptz,
      closed_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      synthetic boolean not null default false,
      check ((status = 'closed') = (closed_at is not null))
    );
    create unique index account_open_per_person on identity.account (id_number) where status <> 'closed';
    create index account_by_id_number on identity.account (id_number, created_at desc);
    create index account_by_guardian on identity.account (guardian_account_id) where guardian_account_id is not null;

    -- Sign-in failures for ID numbers that have no account, so that lock-out (and its message)
    -- looks the same whether or not an ID number has an account.
    create table identity.signin_throttle (
      id_number text primary key,
      failed_attempts int not null default 0,
      locked_until timestamptz,
      updated_at timestamptz not null
    );

    -- Level-2 identity verification at a counter: who (officer), where (the office's unit), when,
    -- how (passive authentication of the chip, the face match the officer recorded), and the result.
    -- Refused attempts are kept too.
    create table identity.level2_verification (
      id bigserial primary key,
      account_id uuid references identity.account (id),
      id_number text not null,
      purpose text not null check (purpose in ('enrolment', 'recovery')),
      result text not null check (result in ('accepted', 'refused')),
      refusal text,
      officer_id text not null,
      office_province_code text,
      office_commune_code text,
      at timestamptz not null,
      chip_ok boolean not null,
      chip_failures text[] not null default '{}',
      chip_checks jsonb not null,
      sod_sha256 bytea,
      face_match text not null check (face_match in ('match', 'no_match')),
      request_id text
    );
    create index level2_verification_person on identity.level2_verification (id_number, at desc);

    create table identity.passkey (
      credential_id text primary key,
      account_id uuid not null references identity.account (id),
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      name text not null,
      aaguid text,
      backed_up boolean not null default false,
      created_at timestamptz not null,
      last_used_at timestamptz
    );
    create index passkey_account on identity.passkey (account_id);

    -- WebAuthn challenges, single use.
    create table identity.webauthn_challenge (
      id uuid primary key default gen_random_uuid(),
      purpose text not null check (purpose in ('register', 'authenticate')),
      account_id uuid references identity.account (id),
      id_number text,
      challenge text not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );

    -- One-time codes sent to a phone: only a hash is kept. A "decoy" row (account_id null, never
    -- sent) answers a request that matched nothing, so every request gets the same answer.
    create table identity.one_time_code (
      id uuid primary key default gen_random_uuid(),
      purpose text not null check (purpose in ('register', 'activate', 'unlock', 'reset_password')),
      account_id uuid references identity.account (id),
      id_number text not null,
      phone text not null,
      code_hash bytea not null,
      payload jsonb not null default '{}',
      decoy boolean not null default false,
      attempts int not null default 0,
      max_attempts int not null,
      expires_at timestamptz not null,
      consumed_at timestamptz,
      created_at timestamptz not null,
      ip text
    );
    create index one_time_code_person on identity.one_time_code (id_number, purpose, created_at desc);

    -- Sessions: one per sign-in on a device. Only the token's SHA-256 is kept.
    create table identity.session (
      id uuid primary key default gen_random_uuid(),
      account_id uuid not null references identity.account (id),
      token_hash bytea not null unique,
      method text not null check (method in ('password', 'password+totp', 'passkey')),
      acr smallint not null check (acr in (1, 2)),
      ip text,
      user_agent text,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_reason text
    );
    create index session_account on identity.session (account_id, created_at desc);

    -- Sign-in history shown to the citizen (failures only for ID numbers that have an account).
    create table identity.sign_in (
      id bigserial primary key,
      account_id uuid not null references identity.account (id),
      at timestamptz not null,
      outcome text not null check (outcome in ('success', 'failure')),
      method text not null,
      reason text,
      ip text,
      user_agent text
    );
    create index sign_in_account on identity.sign_in (account_id, at desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema identity cascade`.execute(db);
}
