import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists platform;

    create table platform.officer (
      id uuid primary key default gen_random_uuid(),
      username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
      display_name text not null,
      password_hash text not null,
      roles text[] not null check (cardinality(roles) > 0),
      province_code text,
      commune_code text,
      status text not null default 'active' check (status in ('active', 'disabled')),
      failed_logins int not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      created_by text not null,
      check (commune_code is null or province_code is not null)
    );

    create table platform.officer_session (
      token_hash bytea primary key,
      officer_id uuid not null references platform.officer(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text,
      revoked_at timestamptz
    );
    create index officer_session_officer on platform.officer_session (officer_id);

    -- Entries land here inside the transaction of the change (or in a group commit for reads);
    -- the chainer moves them, in order, into the hash chain.
    create table platform.audit_inbox (
      id bigserial primary key,
      at timestamptz not null,
      actor_kind text not null,
      actor_id text not null,
      action text not null,
      subject_kind text,
      subject_id text,
      fields text[] not null default '{}',
      purpose text,
      legal_basis text,
      request_id text,
      details jsonb not null default '{}'
    );

    create table platform.audit_log (
      seq bigint primary key,
      at timestamptz not null,
      actor_kind text not null,
      actor_id text not null,
      action text not null,
      subject_kind text,
      subject_id text,
      fields text[] not null,
      purpose text,
      legal_basis text,
      request_id text,
      details jsonb not null,
      prev_hash bytea not null,
      hash bytea not null
    );
    create index audit_log_subject on platform.audit_log (subject_id, seq) where subject_id is not null;
    create index audit_log_actor on platform.audit_log (actor_id, seq);

    create table platform.idempotency_key (
      scope text not null,
      key text not null,
      request_hash bytea not null,
      status int not null,
      response jsonb not null,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema platform cascade`.execute(db);
}
